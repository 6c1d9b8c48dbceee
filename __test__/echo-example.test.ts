// The echo example's servers (examples/echo/, what `npm run demo` and bench row 4 measure)
// close a connection whose last data and FIN came in one event. An edge-triggered server that
// stops at a short read would never hear of that FIN again: no later event says it, and the
// connection would stay open for ever.

import { once } from 'node:events'
import { connect } from 'node:net'

import { startServer, type ServerKind } from '../examples/echo/run.ts'
import { WINE_NO_HUP_BEHIND_DATA, wineOnlySkip } from './helpers/platform.js'

for (const kind of ['wakepoll', 'node:net'] as ServerKind[]) {
  wineOnlySkip(WINE_NO_HUP_BEHIND_DATA)(`echo server (${kind}): data followed at once by FIN is echoed, then the server closes`, async (t) => {
    t.timeout(60_000)
    const server = await startServer(kind)
    t.teardown(() => server.stop())
    // Many connections, each writing and ending at once: most of them reach the server as one
    // readable event that already says read-closed.
    const rounds = Array.from({ length: 20 }, async (_, i) => {
      const socket = connect(server.port, '127.0.0.1')
      await once(socket, 'connect')
      const message = `message ${i}`
      socket.end(message)
      let echoed = ''
      socket.setEncoding('utf8').on('data', (chunk: string) => (echoed += chunk))
      await once(socket, 'end') // the server's FIN: it closed after echoing
      return echoed === message
    })
    t.deepEqual(await Promise.all(rounds), Array(20).fill(true))
  })
}
