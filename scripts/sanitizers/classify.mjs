#!/usr/bin/env node
// Sorts the reports that AddressSanitizer, LeakSanitizer and ThreadSanitizer wrote (log_path:
// one file per process) into ours and foreign, by the frames of their stacks:
//
//   ours     a frame of any stack of the report (the accesses, the allocation, the free; not
//            where a thread was started) lies in the binding (<root>/src/) or the core
//            (<root>/crates/wakepoll/), names a function of wakepoll_node:: or wakepoll::, or
//            is an unsymbolized address inside the module under test: the run fails;
//   foreign  every frame is elsewhere (Node, V8, libuv, std, napi-rs): listed, counted.
//
// Not LSan's or TSan's suppressions: a suppression matches when *any* frame of a stack matches,
// and every call from JavaScript passes through v8:: and node:: frames, so `leak:v8::` would
// hide our leaks too. A report with no frames at all, or a sanitizer that failed (LSan's
// tracer could not stop the threads), fails the run too: nothing says it is foreign.
//
//   node scripts/sanitizers/classify.mjs --root DIR --module NAME [--foreign FILE] LOG…
//
// --module: the path of the module under test (target/asan/wakepoll.asan.node). Frames in it
// that the runtime left unsymbolized (gcc's libtsan cannot read rustc's debug info) are
// symbolized here with llvm-symbolizer (LLVM_SYMBOLIZER names another), inlined frames
// included. Prints every report of ours in full, the largest groups of foreign ones (by their
// first frames) and a summary line; --foreign: writes every group of foreign reports there.
// Exit code: 0 when nothing is ours, 1 otherwise.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const [value] = args.splice(i, 2).slice(1)
  return value
}
const root = option('--root')
const modulePath = option('--module')
const foreignOut = option('--foreign')
const logs = args
if (!root || !modulePath) {
  console.error('usage: classify.mjs --root DIR --module PATH [--foreign FILE] LOG…')
  process.exit(2)
}

/** Where a frame of ours lives. */
const ourPaths = [`${root}/src/`, `${root}/crates/wakepoll/`]
const ourNames = /(?:^|[\s<(&*])wakepoll(?:_node)?::/
const moduleName = basename(modulePath)

// Where a thread of the report was started ("Thread T4 (tid=…) created by main thread at:",
// "Thread T1 created by T0 here:"): context, not an access; its frames decide nothing (a worker
// started from a callback that we called has our frames there).
const threadCreation = /^\s*Thread T\d+\b.* created by /
const framePattern = /^\s*#\d+\s+(?:0x[0-9a-f]+\s+)?(?:in\s+)?(.*)$/
const sourcePattern = /\S+\.(?:rs|c|cc|cpp|h|hpp):\d+/

function isOurs(frame) {
  if (ourPaths.some((p) => frame.includes(p)) || ourNames.test(frame)) return true
  // Unsymbolized, inside the module: nothing says it is not ours.
  return !sourcePattern.test(frame) && frame.includes(`${moduleName}+0x`)
}

/** The allocator's and the sanitizer runtime's own frames, left out of a report's signature. */
const runtimeFrame =
  /^(?:malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|operator new|operator delete|__interceptor_|__asan|__lsan|__tsan|__sanitizer|___interceptor_|pthread_create|__rust_alloc|__rust_dealloc|__rdl_|alloc::alloc::)/

/** A short name for grouping foreign reports: the first frames past the allocator. */
function signature(report) {
  const names = []
  for (const frame of report.frames) {
    const name = frame.replace(/\s+\(.*$/, '').replace(/\s+\/\S+$/, '').trim()
    if (runtimeFrame.test(name)) continue
    names.push(name.length > 90 ? `${name.slice(0, 87)}...` : name)
    if (names.length === 3) break
  }
  return `${report.kind}: ${names.join(' < ') || '(no frames)'}`
}

/** Splits one log file into reports. */
function parse(file) {
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  const reports = []
  let current
  const close = () => {
    if (current) reports.push(current)
    current = undefined
  }
  const open = (kind, header) => {
    close()
    current = { kind, header, file, lines: [header], frames: [], bytes: 0 }
  }
  for (const line of lines) {
    let m
    if ((m = /^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\)/.exec(line))) {
      open('leak', line)
      current.bytes = Number(m[2])
      continue
    }
    if ((m = /^==\d+==ERROR: (AddressSanitizer|LeakSanitizer): (.*)$/.exec(line))) {
      if (m[1] === 'LeakSanitizer' && m[2].startsWith('detected memory leaks')) {
        close()
        continue
      }
      // An ASan error (use-after-free, overflow, SEGV…), or LSan failing to run.
      open(m[1] === 'LeakSanitizer' ? 'lsan-failure' : m[2].split(' ')[0], line.replace(/^==\d+==/, ''))
      continue
    }
    if (/LeakSanitizer has encountered a fatal error/.test(line)) {
      open('lsan-failure', line.replace(/^==\d+==/, ''))
      continue
    }
    if ((m = /^WARNING: ThreadSanitizer: (.*?)(?: \(pid=\d+\))?$/.exec(line))) {
      open(`tsan ${m[1]}`, line)
      continue
    }
    if (/^SUMMARY: /.test(line) || /^={10,}$/.test(line)) {
      if (current && current.kind !== 'leak') current.lines.push(line)
      close()
      continue
    }
    if (!current) continue
    current.lines.push(line)
    if ((m = framePattern.exec(line))) {
      if (!current.inThreadCreation) current.frames.push(m[1])
    } else if (current.kind === 'leak' && line.trim() === '') close()
    else if (line.trim() !== '') current.inThreadCreation = threadCreation.test(line)
  }
  close()
  return reports
}

/** Where a frame sits in the module under test, if the runtime left it unsymbolized. */
function moduleOffset(frame) {
  if (sourcePattern.test(frame)) return undefined
  const m = new RegExp(`${moduleName.replace(/[.]/g, '\\.')}\\+(0x[0-9a-f]+)\\)`).exec(frame)
  return m?.[1]
}

/** Symbolizes the module's unsymbolized frames in place: `function file:line` (inlined: `|`). */
function symbolize(reports) {
  const offsets = new Set()
  for (const report of reports) for (const frame of report.frames) {
    const offset = moduleOffset(frame)
    if (offset) offsets.add(offset)
  }
  if (offsets.size === 0) return
  const list = [...offsets]
  let out
  try {
    out = execFileSync(process.env.LLVM_SYMBOLIZER || 'llvm-symbolizer', [`--obj=${modulePath}`], {
      input: `${list.join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
  } catch (err) {
    console.error(`classify: llvm-symbolizer failed (${err.message}); unsymbolized frames of ${moduleName} count as ours`)
    return
  }
  // One block per address, blocks separated by an empty line: function, location, … (inlined).
  const blocks = out.trim().split(/\n\s*\n/)
  const names = new Map()
  list.forEach((offset, i) => {
    const lines = (blocks[i] ?? '').split('\n')
    const parts = []
    for (let j = 0; j + 1 < lines.length; j += 2) parts.push(`${lines[j]} ${lines[j + 1]}`)
    if (parts.length > 0) names.set(offset, parts.join(' | '))
  })
  for (const report of reports) {
    report.frames = report.frames.map((frame) => {
      const name = names.get(moduleOffset(frame))
      return name ? `${name} (${moduleName}+${moduleOffset(frame)})` : frame
    })
    report.lines = report.lines.map((line) => {
      const m = framePattern.exec(line)
      const name = m && names.get(moduleOffset(m[1]))
      return name ? `${line}  = ${name}` : line
    })
  }
}

const reports = logs.flatMap((file) => parse(file))
symbolize(reports)

const ours = []
const foreign = new Map()
let total = 0
let foreignCount = 0
const files = new Set()
{
  for (const report of reports) {
    total++
    files.add(report.file)
    const mine = report.kind === 'lsan-failure' || report.frames.length === 0 || report.frames.some(isOurs)
    if (mine) {
      ours.push(report)
      continue
    }
    foreignCount++
    const key = signature(report)
    const entry = foreign.get(key) ?? { count: 0, bytes: 0, example: basename(report.file) }
    entry.count++
    entry.bytes += report.bytes
    foreign.set(key, entry)
  }
}

for (const report of ours) {
  console.log(`\n--- OURS (${basename(report.file)}): ${report.header}`)
  const shown = report.lines.slice(0, 80)
  console.log(shown.join('\n'))
  if (report.lines.length > shown.length) console.log(`    … ${report.lines.length - shown.length} more lines in ${report.file}`)
}
const SHOWN = 15
if (foreign.size > 0) {
  const rows = [...foreign.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([key, { count, bytes, example }]) => `  ${String(count).padStart(4)} × ${key}${bytes ? ` (${bytes} B)` : ''}  [e.g. ${example}]`)
  console.log(`\nforeign reports (no frame of the binding or the core), by their first frames (${rows.length} groups):`)
  console.log(rows.slice(0, SHOWN).join('\n'))
  if (rows.length > SHOWN) console.log(`  … ${rows.length - SHOWN} more groups${foreignOut ? ` in ${foreignOut}` : ''}`)
  if (foreignOut) writeFileSync(foreignOut, `${rows.join('\n')}\n`)
}
console.log(
  `\nsanitizer reports: ${ours.length} ours (fail), ${foreignCount} foreign, in ${files.size} of ${logs.length} log files`,
)
process.exit(ours.length > 0 ? 1 : 0)
