// The same echo server on node:net, in a worker of its own (libuv's loop of that thread).
// The main thread stops it with a message.

import { createServer, type Socket } from 'node:net'
import { parentPort } from 'node:worker_threads'

const sockets = new Set<Socket>()
const server = createServer({ noDelay: true }, (socket) => {
  sockets.add(socket)
  socket.on('data', (data) => socket.write(data))
  socket.on('error', () => socket.destroy())
  socket.on('close', () => sockets.delete(socket))
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  parentPort!.postMessage({ port: typeof addr === 'object' && addr ? addr.port : 0 })
})
parentPort!.on('message', (msg: { stop?: boolean }) => {
  if (!msg.stop) return
  for (const s of sockets) s.destroy()
  server.close(() => {
    parentPort!.postMessage({ stopped: true })
    parentPort!.close()
  })
})
