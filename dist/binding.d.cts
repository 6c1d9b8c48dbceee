// dist/lib/native.d.ts names the generated loader's types '../binding.cjs', the path its source
// lib/native.ts uses; this forwards it to the types at the package root.
export * from '../binding.cjs'
