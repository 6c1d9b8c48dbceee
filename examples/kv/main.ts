// npm run kv -- --port P --workers N: the wakepoll kv server in the foreground. Prints
// `ready <port>` on its own line once every worker listens (--port 0: a free port, printed),
// and exits cleanly (status 0) on SIGINT or SIGTERM. The contract for tooling that drives it.

import { parseArgs } from 'node:util'

import { startKvServer } from './server.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6379' },
    workers: { type: 'string', default: '1' },
    address: { type: 'string', default: '127.0.0.1' },
  },
})
const port = Number(values.port)
const workers = Number(values.workers)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0 … 65535, got ${values.port}`)
  process.exit(2)
}
if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
  console.error(`--workers must be an integer 1 … 64, got ${values.workers}`)
  process.exit(2)
}
if (workers > 1 && process.platform === 'win32') {
  // Several workers share the port through SO_REUSEPORT, which Windows does not have.
  console.error('--workers > 1 needs SO_REUSEPORT (Linux, macOS, FreeBSD); on Windows run one worker')
  process.exit(2)
}

const server = await startKvServer({ port, workers, address: values.address! })
process.stdout.write(`ready ${server.port}\n`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await server.stop()
  // Every worker has exited: nothing is left to keep the loop alive, and the process ends as
  // Node ends one, its isolate disposed (process.exit() would skip that, and LeakSanitizer
  // would then report the main isolate's whole heap).
  process.exitCode = 0
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
void server.failed.then((err) => {
  if (stopping) return
  console.error('kv: a worker failed:', err)
  process.exit(1)
})
