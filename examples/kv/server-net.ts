// The same kv store on node:net: the same parser, store and commands as the wakepoll server,
// only the I/O differs (libuv's loop on this process's main thread, one thread, like
// `--workers 1`), so that comparing the two measures the I/O layer. Same contract:
//
//   tsx examples/kv/server-net.ts --port P     prints `ready P`, exits on SIGINT/SIGTERM
//
// Back-pressure the node:net way: past OUTPUT_LIMIT bytes not yet written, the socket is
// paused until 'drain'. Expiry's active sweep runs on setInterval (this thread has an event loop).

import { createServer, type Socket } from 'node:net'
import { parseArgs } from 'node:util'

import { execute } from './commands.ts'
import { OUTPUT_LIMIT } from './connection.ts'
import { type Ctx, newServerState, newSession, STAT } from './context.ts'
import { ReplyWriter } from './reply.ts'
import { Args, INCOMPLETE, RequestParser } from './resp.ts'
import { Store } from './store.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6379' },
    address: { type: 'string', default: '127.0.0.1' },
  },
})

const store = new Store()
const out = new ReplyWriter(256 * 1024)
const parser = new RequestParser()
const args = new Args()
const server = newServerState('node:net', 0, 1, 0)
const ctx: Ctx = { store, session: newSession(0), server, out }
let nextId = 1
let sweep: NodeJS.Timeout | null = null
store.onExpiring = () => {
  sweep ??= setInterval(() => {
    store.sweep(5)
    if (store.expires.size === 0) {
      clearInterval(sweep!)
      sweep = null
    }
  }, 100)
}

function serve(socket: Socket): void {
  const session = newSession(nextId++)
  // A command split across reads: its chunks so far, and the byte count the parser needs
  // before another try can succeed (a large value is joined once, not once per chunk).
  let chunks: Buffer[] = []
  let chunksLen = 0
  let need = 0
  server.stats[STAT.connectedClients]!++
  server.stats[STAT.totalConnections]!++
  socket.setNoDelay(true)

  function run(chunk: Buffer): void {
    let buf = chunk
    if (chunksLen > 0) {
      chunks.push(chunk)
      chunksLen += chunk.length
      if (chunksLen < need) return
      buf = Buffer.concat(chunks, chunksLen)
      chunks = []
      chunksLen = 0
    }
    ctx.session = session
    let pos = 0
    let closing = false
    while (pos < buf.length) {
      const next = parser.parse(buf, pos, buf.length, args)
      if (next === INCOMPLETE) {
        chunks = [buf.subarray(pos)]
        chunksLen = buf.length - pos
        need = parser.need
        break
      }
      if (next < 0) {
        out.err(`Protocol error: ${parser.error}`)
        closing = true
        break
      }
      pos = next
      if (args.count === 0) continue
      server.stats[STAT.commandsProcessed]!++
      execute(ctx, args)
      if (session.closeAfterReply) {
        closing = true
        break
      }
    }
    if (out.len > 0) {
      socket.write(Buffer.from(out.buf.subarray(0, out.len)))
      out.reset(1024 * 1024)
    }
    if (closing) socket.end()
    else if (socket.writableLength > OUTPUT_LIMIT) {
      socket.pause()
      socket.once('drain', () => socket.resume())
    }
  }

  socket.on('data', run)
  socket.on('end', () => socket.end())
  socket.on('error', () => socket.destroy())
  socket.on('close', () => server.stats[STAT.connectedClients]!--)
}

const listener = createServer(serve)
listener.listen(Number(values.port), values.address, () => {
  const address = listener.address()
  const port = typeof address === 'object' && address ? address.port : 0
  server.port = port
  process.stdout.write(`ready ${port}\n`)
})
listener.on('error', (err) => {
  console.error('kv (node:net):', err)
  process.exit(1)
})
setInterval(() => {
  server.stats[STAT.keys] = store.size
  server.stats[STAT.expires] = store.expires.size
}, 100).unref()

function stop(): void {
  listener.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
