'use strict'
// dist/lib/native.js imports '../binding-loader.cjs', the path its source lib/native.ts uses;
// this forwards it to the loader at the package root.
module.exports = require('../binding-loader.cjs')
