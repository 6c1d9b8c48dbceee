#!/usr/bin/env node
// The binding's layering (docs/architecture.md): the import graph of src/*.rs must have no
// circle. A module's imports are every `crate::<module>` it names (in `use` lines and in
// paths). Prints the graph's circles and exits 1 if there is one.
//
//   node scripts/check-layering.mjs [--graph]

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = fileURLToPath(new URL('../src/', import.meta.url))
const modules = readdirSync(src)
  .filter((f) => f.endsWith('.rs') && f !== 'lib.rs')
  .map((f) => f.slice(0, -3))

/** The modules `name` names: `crate::x`, and `x` inside `use crate::{x, y::z}`. */
function imports(name) {
  const text = readFileSync(join(src, `${name}.rs`), 'utf8')
    .replace(/\/\/.*$/gm, '') // comments (doc comments included) are not imports
  const found = new Set()
  for (const m of text.matchAll(/crate::([a-z_][a-z0-9_]*)/g)) found.add(m[1])
  for (const m of text.matchAll(/use crate::\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const head = part.trim().split('::')[0]?.trim()
      if (head) found.add(head)
    }
  }
  found.delete(name)
  return [...found].filter((m) => modules.includes(m)).sort()
}

const graph = new Map(modules.map((m) => [m, imports(m)]))
if (process.argv.includes('--graph')) {
  for (const [m, deps] of graph) console.log(`${m} -> ${deps.join(', ') || '(nothing)'}`)
}

// Tarjan's strongly connected components: every component of more than one module is a circle.
let index = 0
const stack = []
const info = new Map()
const circles = []
function visit(v) {
  info.set(v, { index, low: index, onStack: true })
  index++
  stack.push(v)
  for (const w of graph.get(v)) {
    if (!info.has(w)) {
      visit(w)
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low)
    } else if (info.get(w).onStack) {
      info.get(v).low = Math.min(info.get(v).low, info.get(w).index)
    }
  }
  if (info.get(v).low === info.get(v).index) {
    const component = []
    let w
    do {
      w = stack.pop()
      info.get(w).onStack = false
      component.push(w)
    } while (w !== v)
    if (component.length > 1) circles.push(component.sort())
  }
}
for (const m of modules) if (!info.has(m)) visit(m)

if (circles.length === 0) {
  console.log(`layering: ${modules.length} modules of src/, no import circle`)
} else {
  for (const c of circles) console.error(`layering: import circle among ${c.join(', ')}`)
  process.exit(1)
}
