#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm dependencies and builds the native
// module + the compiled API (dist/) when they are missing or stale. Plain Node, no dependencies.
//
//   node scripts/prepare.mjs          # what `npm test` / `npm run demo` run first
//   node scripts/prepare.mjs --force  # always reinstall-check and rebuild
//
// Exit code is non-zero when a step fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const log = (msg) => console.log(`[prepare] ${msg}`);

/** mtime in ms, or undefined when the path does not exist. */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

// Not sources: .js/.d.ts beside the sources are outputs of builds from before dist/ (tsc emitted
// lib/*.js + lib/*.d.ts there).
const isBuildOutput = (path) => /\.(?:js|d\.ts)$/.test(path);

/** Newest source file under `path` (a file or a directory, recursively). */
function newest(path, acc = { file: undefined, time: -Infinity }) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return acc;
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(path)) newest(join(path, name), acc);
  } else if (st.mtimeMs > acc.time && !isBuildOutput(path)) {
    acc.file = path;
    acc.time = st.mtimeMs;
  }
  return acc;
}

function run(cmd, args) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (res.error) {
    console.error(`[prepare] failed to start ${cmd}: ${res.error.message}`);
    process.exit(1);
  }
  if (res.status !== 0) {
    console.error(`[prepare] ${cmd} ${args.join(' ')} failed (${res.signal ?? `exit ${res.status}`})`);
    process.exit(res.status || 1);
  }
}

// 1. npm dependencies. npm writes node_modules/.package-lock.json after every
//    successful install, so it is the install's timestamp.
const lockfile = join(root, 'package-lock.json');
const installed = mtime(join(root, 'node_modules', '.package-lock.json'));
const hasLock = existsSync(lockfile);
let depsReason;
if (installed === undefined) depsReason = 'node_modules is missing';
else if (hasLock && installed < mtime(lockfile)) depsReason = 'package-lock.json is newer than node_modules';
else if (force) depsReason = '--force';
if (depsReason) {
  log(`${depsReason}: installing dependencies`);
  run('npm', hasLock ? ['ci'] : ['install']);
} else {
  log('node_modules is up to date');
}

// 2. Native module + compiled API (dist/index.js).
const inputs = [
  'src',
  'crates/wakepoll/src',
  'crates/wakepoll/Cargo.toml',
  'Cargo.toml',
  'Cargo.lock',
  'build.rs',
  '.cargo/config.toml',
  'index.ts',
  'lib',
  'tsconfig.json',
  'tsconfig.build.json',
];
const nodeFiles = readdirSync(root).filter((f) => /^wakepoll\..+\.node$/.test(f));
const outputs = [...nodeFiles, 'dist/index.js'];
let buildReason;
if (nodeFiles.length === 0) buildReason = 'no wakepoll.*.node in the repo root';
else if (!existsSync(join(root, 'dist', 'index.js'))) buildReason = 'dist/index.js is missing';
else if (!existsSync(join(root, 'binding.cjs'))) buildReason = 'binding.cjs is missing';
else if (force) buildReason = '--force';
else {
  const oldestOutput = Math.min(...outputs.map((f) => mtime(join(root, f))));
  const src = inputs.reduce((acc, p) => newest(join(root, p), acc), { file: undefined, time: -Infinity });
  if (src.time > oldestOutput) buildReason = `${relative(root, src.file)} is newer than the build`;
}
if (buildReason) {
  log(`${buildReason}: building`);
  run('npm', ['run', 'build']);
} else {
  log(`build is up to date (${outputs.join(', ')})`);
}
