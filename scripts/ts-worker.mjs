// Entry point of every TypeScript worker (tests, examples, benchmarks): loads a .ts module
// through tsx.
//
//   new Worker(new URL('../scripts/ts-worker.mjs', import.meta.url), {
//     workerData: { entry: <file: URL of a .ts module>, ...data },
//   })
//
// On Node 20 a worker inherits `--import=tsx` in its execArgv, but tsx's hooks do not apply
// inside worker threads: `await import('x.ts')` fails with ERR_UNKNOWN_FILE_EXTENSION
// (checked under ava). tsx's scoped loader works, and relative `.ts` imports inside the module
// resolve through it too.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

const entry = workerData?.entry
if (typeof entry !== 'string') {
  throw new TypeError('ts-worker.mjs: workerData.entry must be a file: URL string')
}
await tsImport(entry, import.meta.url)
