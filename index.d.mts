// Types of index.mjs: the same declarations as the CommonJS entry, as named exports only
// (index.mjs has no default export).
export * from './dist/index.js'
