#!/usr/bin/env node
// `npm run pack:check`: what a stranger gets from `npm install wakepoll` on linux-x64-gnu, and
// with `--platform linux-arm64-gnu --node <arm64 node>` on arm64 (scripts/release/test-arm64.sh
// runs that under qemu-user).
//
//   1. npm/<platform>/ matches what `napi create-npm-dirs` makes from package.json, and the
//      release workflow builds exactly napi.targets with scripts package.json has.
//   2. The platform's binary is the release one, target/release-set/<platform>/ (made or
//      brought up to date by scripts/release/build.sh: cargo's no-op when nothing changed), and
//      the compiled API is built (scripts/prepare.mjs: only when missing or stale; `--rebuild`
//      forces `npm run build`).
//   3. The main package and the platform package are packed the way the release does it,
//      in a staged copy: `napi artifacts` puts the binary into npm/<platform>/, `napi
//      pre-publish --skip-optional-publish` writes the main package's optionalDependencies
//      (every platform package, at exactly this version), then `npm pack` for each.
//   4. Both file lists are checked: what users need, no Rust sources, tests, sources or build
//      output.
//   5. In a fresh project in a temporary directory, with no Rust toolchain on PATH, both
//      tarballs are installed (`npm install --offline`: from the files and npm's cache) and
//      there run an ES module script, a CommonJS script (each with a worker woken through, or
//      waking through, a Waker handle), by `--node` when given (npm too runs on it there),
//      and, on linux-x64-gnu, `tsc --noEmit` over a TypeScript consumer under moduleResolution
//      node16 (import and require) and bundler. `--portable`: then the portable suite
//      (__test__/portable) in that project, importing the installed wakepoll.
//   6. On linux-x64-gnu, the same for win32-x64-msvc under wine (below).
//
// Everything is written under one temporary directory, removed at the end (`--keep` keeps it).
// Needs no network: typescript and @types/node come from the repository's node_modules.
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTriple } from '@napi-rs/cli'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const keep = process.argv.includes('--keep')
const rebuild = process.argv.includes('--rebuild')
const portable = process.argv.includes('--portable')
/** The value after `--name` on the command line, or `fallback`. */
const option = (name, fallback) => {
  const at = process.argv.indexOf(name)
  return at === -1 ? fallback : process.argv[at + 1]
}
const TARGET = option('--platform', 'linux-x64-gnu')
const HOST = 'linux-x64-gnu'
/** The node that runs the consumer's scripts: this one, or another architecture's (`--node`). */
const targetNode = option('--node', undefined)

const log = (msg) => console.log(`[pack:check] ${msg}`)
class CheckFailed extends Error {}
const fail = (msg) => {
  throw new CheckFailed(msg)
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)

function run(cmd, args, { cwd = root, env = process.env, capture = false } = {}) {
  const shown = [cmd, ...args].map((a) => relative(root, a).startsWith('..') ? a : relative(root, a) || '.').join(' ')
  log(`$ ${shown}${cwd === root ? '' : `   (in ${cwd})`}`)
  const res = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (res.error) fail(`${cmd} did not start: ${res.error.message}`)
  if (res.status !== 0) {
    if (capture) process.stderr.write(`${res.stdout}${res.stderr}`)
    fail(`${shown} exited with ${res.signal ?? res.status}`)
  }
  return res.stdout
}

/** `npm pack --json` in `dir`, the tarball into `dest`: { filename, files }. */
function npmPack(dir, dest) {
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: dir, capture: true })
  const [info] = JSON.parse(out.slice(out.indexOf('[')))
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort(), size: info.size }
}

if (process.platform !== 'linux' || process.arch !== 'x64' || !process.report.getReport().header.glibcVersionRuntime) {
  fail(`this check builds the release binaries, which are built on ${HOST} only (this is ${process.platform}-${process.arch})`)
}
if (TARGET !== HOST && !targetNode) fail(`--platform ${TARGET} needs --node: a node that runs on ${TARGET}`)

const work = mkdtempSync(join(tmpdir(), 'wakepoll-pack-check-'))
log(`working in ${work}`)
try {
  const pkg = readJson(join(root, 'package.json'))
  const { binaryName, targets } = pkg.napi

  // 1. npm/<platform>/ in sync with napi.targets.
  const syncDir = join(work, 'create-npm-dirs')
  mkdirSync(syncDir)
  copyFileSync(join(root, 'package.json'), join(syncDir, 'package.json'))
  run(join(root, 'node_modules/.bin/napi'), ['create-npm-dirs', '--cwd', syncDir], { capture: true })
  const expectedDirs = readdirSync(join(syncDir, 'npm')).sort()
  const actualDirs = readdirSync(join(root, 'npm')).sort()
  if (expectedDirs.join() !== actualDirs.join()) {
    fail(`npm/ has ${actualDirs.join(', ')}; napi.targets make ${expectedDirs.join(', ')} (run \`npx napi create-npm-dirs\`)`)
  }
  for (const dir of expectedDirs) {
    for (const file of readdirSync(join(syncDir, 'npm', dir))) {
      if (readFileSync(join(syncDir, 'npm', dir, file), 'utf8') !== readFileSync(join(root, 'npm', dir, file), 'utf8')) {
        fail(`npm/${dir}/${file} differs from what \`napi create-npm-dirs\` makes from package.json (run it)`)
      }
    }
  }
  // The release workflow builds exactly these targets, with scripts that exist.
  const workflow = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')
  const built = new Set(workflow.match(/\b(?:x86_64|aarch64|i686|armv7|riscv64gc|powerpc64le|s390x)-[a-z0-9_]+-[a-z0-9_-]+\b/g))
  for (const t of targets) if (!built.has(t)) fail(`.github/workflows/release.yml does not build ${t} (napi.targets)`)
  for (const t of built) if (!targets.includes(t)) fail(`.github/workflows/release.yml builds ${t}, which is not in napi.targets`)
  for (const [, script] of workflow.matchAll(/npm run ([\w:-]+)/g)) {
    if (!pkg.scripts[script]) fail(`.github/workflows/release.yml runs \`npm run ${script}\`, which package.json lacks`)
  }
  if (!pkg.scripts.prepublishOnly?.includes('pre-publish')) fail('prepublishOnly is not `napi pre-publish`: the release publishes with `npm publish`')
  // One build script for the release and for what is tested here, so that the two cannot drift.
  if (!/npm run build:release\b/.test(workflow) || /\bnapi build\b|npm run build:native\b/.test(workflow)) {
    fail('.github/workflows/release.yml must build every binary with `npm run build:release` (scripts/release/build.sh), and nothing else')
  }
  log(`.github/workflows/release.yml builds every target in napi.targets with build:release and runs only scripts package.json has`)
  const platformPackages = expectedDirs.map((dir) => readJson(join(root, 'npm', dir, 'package.json')).name)
  log(`npm/ matches napi.targets (${targets.length} targets): ${expectedDirs.join(', ')}`)

  // 2. The release binary and the compiled API.
  const binary = `${binaryName}.${TARGET}.node`
  const releaseBinary = buildRelease(TARGET, targets, binary)
  if (rebuild) run('npm', ['run', 'build'])
  else run(process.execPath, [join(root, 'scripts/prepare.mjs')])
  // tsc never deletes: a dist/ file whose source is gone would be published.
  const sources = new Set(['index', ...readdirSync(join(root, 'lib')).filter((f) => f.endsWith('.ts')).map((f) => `lib/${f.slice(0, -3)}`)])
  for (const file of readdirSync(join(root, 'dist'), { recursive: true })) {
    const m = /^(.*?)(?:\.d\.ts|\.js)$/.exec(file)
    if (m && !sources.has(m[1])) fail(`dist/${file} has no source (${m[1]}.ts); remove dist/ and build again`)
  }

  // 3. Pack as the release does: the files `npm publish` takes from the repository, staged;
  //    `napi artifacts` puts each binary into npm/<platform>/ and `napi pre-publish` writes the
  //    optionalDependencies (--skip-optional-publish: it publishes nothing). Both want a binary
  //    for every target: the other targets get placeholder files, which are never packed.
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs)
  const stage = join(work, 'stage')
  const listedOut = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { capture: true })
  const listed = JSON.parse(listedOut.slice(listedOut.indexOf('[')))[0].files
  for (const { path } of listed) {
    mkdirSync(dirname(join(stage, path)), { recursive: true })
    copyFileSync(join(root, path), join(stage, path))
  }
  cpSync(join(root, 'npm'), join(stage, 'npm'), { recursive: true })
  for (const dir of expectedDirs) {
    const artifact = join(stage, 'artifacts', `bindings-${dir}`, `${binaryName}.${dir}.node`)
    mkdirSync(dirname(artifact), { recursive: true })
    if (dir === TARGET) copyFileSync(releaseBinary, artifact)
    else writeFileSync(artifact, `placeholder: pack:check builds ${TARGET} only\n`)
  }
  const napi = join(root, 'node_modules/.bin/napi')
  run(napi, ['artifacts', '--cwd', stage, '--output-dir', 'artifacts'], { capture: true })
  run(napi, ['pre-publish', '--cwd', stage, '-t', 'npm', '--no-gh-release', '--skip-optional-publish'], { capture: true })
  const published = readJson(join(stage, 'package.json'))
  const expectedOptional = Object.fromEntries(platformPackages.map((name) => [name, pkg.version]))
  if (JSON.stringify(Object.entries(published.optionalDependencies ?? {}).sort()) !== JSON.stringify(Object.entries(expectedOptional).sort())) {
    fail(`napi pre-publish wrote optionalDependencies ${JSON.stringify(published.optionalDependencies)}; expected every platform package at ${pkg.version}`)
  }
  const platform = npmPack(join(stage, 'npm', TARGET), tarballs)
  const main = npmPack(stage, tarballs)

  // 4. File lists.
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE(\.md)?$/,
    /^index\.mjs$/,
    /^index\.d\.mts$/,
    /^binding\.cjs$/,
    /^binding\.d\.cts$/,
    /^binding-loader\.cjs$/,
    /^dist\/package\.json$/,
    /^dist\/binding-loader\.cjs$/,
    /^dist\/binding\.d\.cts$/,
    /^dist\/index\.(js|d\.ts)$/,
    /^dist\/lib\/[a-z-]+\.(js|d\.ts)$/,
  ]
  const required = ['package.json', 'README.md', 'index.mjs', 'index.d.mts', 'binding.cjs', 'binding.d.cts', 'binding-loader.cjs', 'dist/package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/lib/native.js']
  const forbidden = [
    [/\.rs$|(^|\/)Cargo\.(toml|lock)$|^build\.rs$|^\.cargo\//, 'Rust sources or manifests'],
    [/(^|\/)(__test__|test|tests)\//, 'tests'],
    [/^(target|crates|src|npm|scripts|examples|bench|artifacts)\//, 'build output or repository folders'],
    [/(?<!\.d)\.[cm]?ts$/, 'TypeScript sources (only declarations belong in the package)'],
    [/\.node$/, 'native binaries (they belong in the platform packages)'],
    [/^tsconfig|\.tgz$|\.map$/, 'build configuration or leftovers'],
  ]
  for (const file of main.files) {
    for (const [re, what] of forbidden) if (re.test(file)) fail(`the main package contains ${file}: ${what}`)
    if (!allowed.some((re) => re.test(file))) fail(`the main package contains ${file}, which is not on the list of what users need`)
  }
  for (const file of required) if (!main.files.includes(file)) fail(`the main package lacks ${file}`)
  const platformFiles = ['README.md', binary, 'package.json'].sort()
  if (platform.files.join() !== platformFiles.join()) {
    fail(`the ${TARGET} package holds ${platform.files.join(', ')}; expected ${platformFiles.join(', ')}`)
  }
  if (published.private) fail('package.json says "private": a published package cannot be')
  for (const script of ['preinstall', 'install', 'postinstall']) {
    if (published.scripts?.[script]) fail(`package.json has an ${script} script: users must not build anything`)
  }
  log(`main package ${relative(work, main.tarball)} (${main.size} bytes), ${main.files.length} files:`)
  for (const file of main.files) console.log(`    ${file}`)
  log(`platform package ${relative(work, platform.tarball)} (${platform.size} bytes): ${platform.files.join(', ')}`)
  log(`optionalDependencies (written by napi pre-publish): ${Object.entries(published.optionalDependencies).map(([n, v]) => `${n}@${v}`).join(', ')}`)

  // 5. A stranger's project, without Rust.
  const bin = join(work, 'bin')
  mkdirSync(bin)
  for (const tool of ['node', 'npm', 'npx', 'sh']) {
    const found = process.env.PATH.split(delimiter).map((d) => join(d, tool)).find((p) => existsSync(p))
    if (!found) fail(`${tool} is not on PATH`)
    symlinkSync(found, join(bin, tool))
  }
  const hasRust = (dir) => ['cargo', 'rustc', 'rustup'].some((tool) => existsSync(join(dir, tool)))
  // Nor the repository's tools: `npm run` puts node_modules/.bin and node-gyp on PATH and its
  // settings into npm_* variables; a stranger's shell has none of them.
  const foreign = (dir) => !dir || hasRust(dir) || dir.includes('.cargo') || dir.includes('node_modules')
  const PATH = [bin, ...process.env.PATH.split(delimiter).filter((dir) => !foreign(dir))].join(delimiter)
  const env = { ...process.env, PATH }
  for (const key of Object.keys(env)) if (/^(CARGO|RUSTUP|RUSTC|RUSTFLAGS|npm_|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) delete env[key]
  Object.assign(env, { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' })
  for (const tool of ['cargo', 'rustc']) {
    const res = spawnSync(tool, ['--version'], { env })
    if (!res.error) fail(`${tool} is still reachable on the consumer's PATH`)
  }
  log(`consumer PATH has no cargo/rustc: ${PATH}`)

  const app = join(work, 'consumer')
  mkdirSync(app)
  writeJson(join(app, 'package.json'), { name: 'wakepoll-consumer', version: '1.0.0', private: true, type: 'module' })
  // Another architecture's package is installed by npm running on that architecture's node,
  // so that npm checks the package's cpu and libc as it would there.
  const npmInstall = ['install', '--offline', '--no-audit', '--no-fund', main.tarball, platform.tarball]
  if (targetNode) run(targetNode, [realpathSync(join(bin, 'npm')), ...npmInstall], { cwd: app, env })
  else run(join(bin, 'npm'), npmInstall, { cwd: app, env })
  const installed = readJson(join(app, 'node_modules/wakepoll/package.json'))
  if (installed.version !== pkg.version) fail(`installed wakepoll ${installed.version}, expected ${pkg.version}`)
  if (!existsSync(join(app, 'node_modules', `${binaryName}-${TARGET}`, binary))) fail(`node_modules/${binaryName}-${TARGET}/${binary} is missing`)
  if (existsSync(join(app, 'node_modules/wakepoll', binary))) fail('the main package brought a binary of its own')

  for (const [name, text] of Object.entries(consumerFiles(`${binaryName}-${TARGET}`, binary))) {
    writeFileSync(join(app, name), text)
  }
  const node = targetNode ?? join(bin, 'node')
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const out = run(node, [script], { cwd: app, env, capture: true })
    for (const line of out.trim().split('\n')) log(`  ${script}: ${line}`)
  }
  // The types are the same for every platform: checked once, with the host's platform package.
  if (TARGET === HOST) {
    const tsc = join(root, 'node_modules/typescript/bin/tsc')
    for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
      run(join(bin, 'node'), [tsc, '--noEmit', '-p', config], { cwd: app, env })
      log(`  tsc --noEmit -p ${config}: no errors`)
    }
  }
  if (portable) {
    // The portable suite, importing wakepoll as installed here (its own runner and closing line).
    cpSync(join(root, '__test__', 'portable'), join(app, 'portable'), { recursive: true })
    const out = run(node, ['run.mjs'], { cwd: join(app, 'portable'), env: { ...env, NO_COLOR: '1' }, capture: true })
    process.stdout.write(out)
    const closing = /^(\d+) passed, (\d+) failed(?:, \d+ skipped)?$/m.exec(out)
    if (!closing) fail('the portable suite printed no closing line')
    log(`portable suite on ${TARGET}: ${closing[0]}`)
  }

  // 6. Windows: the same main package with the win32-x64-msvc package, its binary the release
  //    one (scripts/cross/check-windows-node.sh builds it with scripts/release/build.sh, fetches
  //    npm's Windows node.exe and sets up wine), installed into a project of its own (npm told
  //    the project is win32/x64; --force, since npm still refuses a package of another os by
  //    name) and run there by node.exe under wine: the ESM and CJS checks.
  if (TARGET === HOST && process.env.WAKEPOLL_PACK_CHECK_WINDOWS !== '0') {
    const WIN = 'win32-x64-msvc'
    const crossCheck = join(root, 'scripts/cross/check-windows-node.sh')
    run('bash', [crossCheck, '--run', work], { capture: true })
    const winBinary = `${binaryName}.${WIN}.node`
    copyFileSync(join(root, 'target/release-set', WIN, winBinary), join(stage, 'npm', WIN, winBinary))
    const winPlatform = npmPack(join(stage, 'npm', WIN), tarballs)
    const winApp = join(work, 'consumer-win32')
    mkdirSync(winApp)
    writeJson(join(winApp, 'package.json'), { name: 'wakepoll-consumer-win32', version: '1.0.0', private: true, type: 'module' })
    run(join(bin, 'npm'), ['install', '--offline', '--no-audit', '--no-fund', '--os=win32', '--cpu=x64', '--force', main.tarball, winPlatform.tarball], { cwd: winApp, env })
    if (!existsSync(join(winApp, 'node_modules', `${binaryName}-${WIN}`, winBinary))) fail(`node_modules/${binaryName}-${WIN}/${winBinary} is missing`)
    for (const [name, text] of Object.entries(consumerFiles(`${binaryName}-${WIN}`, winBinary))) {
      if (/\.[cm]?js$/.test(name)) writeFileSync(join(winApp, name), text)
    }
    const out = run('bash', [crossCheck, '--run', winApp, 'esm.mjs', 'cjs.cjs'], { capture: true })
    for (const line of out.trim().split('\n')) log(`  win32 (node.exe under wine): ${line}`)
  }
  log('passed')
} catch (error) {
  if (!(error instanceof CheckFailed)) throw error
  console.error(`[pack:check] FAILED: ${error.message}`)
  process.exitCode = 1
} finally {
  if (keep) log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}

/**
 * The release binary of `platform` (target/release-set/<platform>/), made or brought up to date
 * by scripts/release/build.sh for the target of napi.targets that ships as that platform.
 */
function buildRelease(platform, targets, binary) {
  const triple = targets.find((t) => parseTriple(t).platformArchABI === platform)
  if (!triple) fail(`no target in napi.targets ships as ${platform}`)
  run('bash', [join(root, 'scripts/release/build.sh'), '--target', triple])
  const file = join(root, 'target/release-set', platform, binary)
  if (!existsSync(file)) fail(`scripts/release/build.sh made no ${relative(root, file)}`)
  log(`the ${platform} binary is the release one: ${relative(root, file)}`)
  return file
}

/** The consumer project's files: two scripts, a worker each, and a TypeScript consumer. */
function consumerFiles(platformPackage, binary) {
  const typesRoot = join(root, 'node_modules/@types')
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    typeRoots: [typesRoot],
    skipLibCheck: false,
  }
  return {
    // ES module: the main thread blocks in poll until a worker wakes it through a handle.
    'esm.mjs': `
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { Events, Interest, Poll, Waker } from 'wakepoll'

const require = createRequire(import.meta.url)
assert.equal(require('wakepoll').Poll, Poll, 'import and require give the same Poll')
const loaded = Object.keys(require.cache).map((f) => f.replaceAll('\\\\', '/')).find((f) => f.endsWith('/${binary}'))
assert.ok(loaded?.includes('/node_modules/${platformPackage}/'), 'the binary comes from ${platformPackage}: ' + loaded)
assert.equal(typeof Interest.READABLE, 'number')

const poll = new Poll()
const events = new Events(4)
const waker = new Waker(poll.registry, 7)
const worker = new Worker(new URL('./wake.mjs', import.meta.url), { workerData: { handle: waker.handle } })
const n = poll.poll(events, 10_000)
assert.equal(n, 1, 'woken once')
assert.equal(events.token(0), 7)
assert.ok(events.isReadable(0))
await new Promise((resolve) => worker.once('exit', resolve))
waker.close()
poll.close()
console.log('import: Poll/Events/Waker work; a worker woke the main thread through Waker.fromHandle; binary from ' + loaded.slice(loaded.indexOf('node_modules')))
`,
    'wake.mjs': `
import { workerData } from 'node:worker_threads'
import { Waker } from 'wakepoll'
Waker.fromHandle(workerData.handle).wake()
`,
    // CommonJS: a worker blocks in its own poll; the main thread wakes it through its handle.
    'cjs.cjs': `
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')
const { Waker, Poll } = require('wakepoll')
assert.equal(typeof Poll, 'function')

const worker = new Worker(require.resolve('./poller.cjs'))
worker.once('message', (handle) => {
  Waker.fromHandle(handle).wake()
  worker.once('message', (token) => {
    assert.equal(token, 11)
    console.log('require: a worker blocked in Poll.poll was woken from the main thread through Waker.fromHandle')
  })
})
worker.once('error', (e) => { throw e })
`,
    'poller.cjs': `
const { parentPort } = require('node:worker_threads')
const { Events, Poll, Waker } = require('wakepoll')
const poll = new Poll()
const events = new Events(4)
const waker = new Waker(poll.registry, 11)
parentPort.postMessage(waker.handle)
poll.poll(events, 10_000)
parentPort.postMessage(events.token(0))
poll.close()
`,
    // TypeScript: an ES module consumer (import condition) and a CommonJS one (require).
    'consumer.ts': `
import { Worker } from 'node:worker_threads'
import { Events, Interest, Poll, Waker, type WakerHandle } from 'wakepoll'

export function wakeFromWorker(): number {
  using poll = new Poll()
  const events: Events = new Events(8)
  const waker = new Waker(poll.registry, 1)
  const handle: WakerHandle = waker.handle
  const worker = new Worker(new URL('./wake.mjs', import.meta.url), { workerData: { handle } })
  const n: number = poll.poll(events, null)
  for (const ev of events) {
    const token: number = ev.token
    const readable: boolean = ev.isReadable()
    void token, readable
  }
  void worker.terminate()
  const interest: number = Interest.READABLE | Interest.WRITABLE
  void interest
  return n
}

export function fromHandle(handle: WakerHandle): void {
  Waker.fromHandle(handle).wake()
}
`,
    'consumer-cjs.cts': `
import wakepoll = require('wakepoll')
import { Worker } from 'node:worker_threads'

const poll: wakepoll.Poll = new wakepoll.Poll()
const waker = new wakepoll.Waker(poll.registry, 2)
const worker = new Worker(require.resolve('./poller.cjs'))
worker.on('message', (handle: wakepoll.WakerHandle) => wakepoll.Waker.fromHandle(handle).wake())
waker.wake()
export const count: number = poll.poll(new wakepoll.Events(1), 0)
`,
    'tsconfig.node16.json': JSON.stringify(
      { compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.ts', 'consumer-cjs.cts'] },
      null,
      2,
    ),
    'tsconfig.bundler.json': JSON.stringify(
      { compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler' }, files: ['consumer.ts'] },
      null,
      2,
    ),
  }
}
