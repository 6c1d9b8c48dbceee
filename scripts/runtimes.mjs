#!/usr/bin/env node
// Runs the portable tests (__test__/portable) under Node, Bun and Deno: `npm run test:runtimes`.
//
// The runtimes come from their own npm packages, fetched at run time into target/runtimes/
// (never the project's dependencies): @oven/bun-linux-x64 and @deno/linux-x64-glibc at the
// versions below, the ones docs/runtimes.md says were tested. wakepoll is installed as a user
// gets it — the packed file list plus the local build — into target/runtimes/project/
// node_modules/wakepoll, and the tests import it by name from there (Deno treats a package in
// node_modules as npm code, CommonJS included).
//
// Exit code non-zero when a runtime fails a test or does not finish. Only on Linux x64 (the
// packages are for it); elsewhere it says so and exits 0.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BUN = '@oven/bun-linux-x64@1.4.4'
const DENO = '@deno/linux-x64-glibc@2.9.6'
const dir = join(root, 'target', 'runtimes')
const project = join(dir, 'project')
const log = (msg) => console.log(`[runtimes] ${msg}`)

if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(`skipped: the runtime packages are for linux-x64, this is ${process.platform}-${process.arch}`)
  process.exit(0)
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`)
  return r
}

// 1. The runtimes, into target/runtimes/node_modules (its own package.json, so npm stays there).
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'package.json'), '{ "private": true, "description": "runtimes for scripts/runtimes.mjs" }\n')
log(`npm install ${BUN} ${DENO}`)
run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', BUN, DENO], { cwd: dir })
const bun = join(dir, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun')
const deno = join(dir, 'node_modules', '@deno', 'linux-x64-glibc', 'deno')

// 2. wakepoll as installed: the files `npm pack` would ship, and the local build.
const native = readdirSync(root).filter((f) => /^wakepoll\..+\.node$/.test(f))
if (native.length === 0) throw new Error('no local build (wakepoll.<platform>.node): run `npm run build` first')
const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
if (packed.status !== 0) throw new Error(`npm pack --dry-run failed: ${packed.stderr}`)
const files = JSON.parse(packed.stdout)[0].files.map((f) => f.path)
const installed = join(project, 'node_modules', 'wakepoll')
rmSync(project, { recursive: true, force: true })
for (const file of [...files, ...native]) {
  mkdirSync(dirname(join(installed, file)), { recursive: true })
  cpSync(join(root, file), join(installed, file))
}
writeFileSync(join(project, 'package.json'), '{ "private": true, "type": "module" }\n')
cpSync(join(root, '__test__', 'portable'), join(project, 'portable'), { recursive: true })

// 3. The same tests under each runtime.
const runtimes = [
  ['node', process.execPath, ['run.mjs']],
  ['bun', bun, ['run.mjs']],
  ['deno', deno, ['run', '--allow-all', 'run.mjs']],
]
const results = []
for (const [name, bin, args] of runtimes) {
  if (!existsSync(bin)) throw new Error(`${name}: ${bin} is missing after npm install`)
  log(`${name}: ${[bin, ...args].join(' ')}`)
  const r = spawnSync(bin, args, {
    cwd: join(project, 'portable'),
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1' },
  })
  process.stdout.write(r.stdout ?? '')
  process.stderr.write(r.stderr ?? '')
  const closing = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(r.stdout ?? '')
  const ok = r.status === 0 && closing !== null && closing[2] === '0'
  results.push({ name, ok, closing: closing?.[0] ?? `no closing line (exit ${r.status ?? r.signal})` })
}

console.log('')
for (const { name, closing } of results) log(`${name}: ${closing}`)
let passed = 0
let failed = 0
for (const { closing } of results) {
  const m = /^(\d+) passed, (\d+) failed/.exec(closing)
  if (m) {
    passed += Number(m[1])
    failed += Number(m[2])
  } else {
    failed += 1
  }
}
console.log(`runtimes: ${passed} passed, ${failed} failed`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
