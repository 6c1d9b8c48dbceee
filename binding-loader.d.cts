// Types of `#binding` (binding-loader.cjs): exactly the generated loader's exports.
export * from './binding.cjs'
