// Server options as node:net users expect them: TcpListener.bind({ backlog, reusePort,
// ipv6Only }) and UnixListener.bind(path, { backlog }) — what they do, and their errors.

import { once } from 'node:events'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'

import test, { type Implementation } from 'ava'

import { Events, Interest, Poll, TcpListener, TcpStream, UnixListener, UnixStream } from '../index.ts'
import { invalidArgType, outOfRange } from './helpers/expect.js'
import { tempDir, waitFor } from './helpers/net.js'
import { libkqueueGap, onLibkqueue } from './helpers/libkqueue.js'
import { onEmulator, onWindows, onWine, sanitizer, slowHarness, unixOnly } from './helpers/platform.js'

const bootstrap = new URL('../scripts/ts-worker.mjs', import.meta.url)
const acceptWorker = new URL('./helpers/accept-worker.ts', import.meta.url).href
const loopback = { address: '127.0.0.1', port: 0 }

test('bad options are TypeErrors and RangeErrors with node:net codes, and bind nothing', (t) => {
  const bind = (extra: object) => () => TcpListener.bind({ ...loopback, ...extra })
  t.throws(bind({ backlog: -1 }), outOfRange)
  t.throws(bind({ backlog: 1.5 }), outOfRange)
  t.throws(bind({ backlog: 2 ** 31 }), outOfRange)
  t.throws(bind({ backlog: '511' }), invalidArgType)
  t.throws(bind({ reusePort: 'yes' }), invalidArgType)
  t.throws(bind({ ipv6Only: 1 }), invalidArgType)
  const socket = path.join(tempDir(t), 's')
  t.throws(() => UnixListener.bind(socket, 5 as never), invalidArgType)
  t.throws(() => UnixListener.bind(socket, { backlog: -1 }), outOfRange)
  t.throws(() => UnixListener.bind(socket, { backlog: '1' as never }), invalidArgType)
})

// On a slow harness (see below) the title says what changes.
const harness = onWine ? 'wine' : onLibkqueue ? 'libkqueue' : onEmulator ? 'qemu-user' : `${sanitizer} sanitizer`
const onSlowHarness = slowHarness ? ` [${harness}: 500 connects, no time bound]` : ''

/** How long the burst may take before the test gives up (a hang bound, not a measurement). */
const BURST_HANG_MS = 60_000

/**
 * Each client sends one byte once its connect has completed, as a real client sends its first
 * request. A client that only waits can be lost by the kernel, not by the listener: past the
 * backlog Linux answers SYNs with syncookies, and when the accept queue is full as the
 * handshake's last ACK arrives it drops that ACK and keeps no state, so the client believes it
 * is connected and the listener never hears of it (a CI run was left with 367 of 5,000 so;
 * nstat's SyncookiesRecv and ListenOverflows counted them). A data segment is sent again until
 * the listener takes it, and carries the ACK that completes the connection there.
 */
function speakOnce(clients: readonly TcpStream[], ms: number): void {
  const poll = new Poll()
  try {
    clients.forEach((client, i) => poll.registry.register(client, i, Interest.WRITABLE))
    const events = new Events(256)
    const byte = Buffer.from('x')
    const pending = new Set(clients.keys())
    const deadline = performance.now() + ms
    while (pending.size > 0) {
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`${pending.size} of ${clients.length} connects never completed within ${ms} ms`)
      poll.poll(events, left)
      for (let e = 0; e < events.length; e++) {
        const i = events.token(e)
        if (!pending.has(i)) continue
        try {
          if (clients[i]!.write(byte) === null) continue
        } catch (err) {
          // Reset by the listener's side, which accepted and closed it already: it got there.
          const code = (err as NodeJS.ErrnoException).code
          if (code !== 'ECONNRESET' && code !== 'EPIPE') throw err
        }
        pending.delete(i)
      }
    }
  } finally {
    poll.close()
  }
}

test(`a burst of 5,000 connects is accepted in full within 2 s (backlog 511 by default)${onSlowHarness}`, async (t) => {
  // Under wine, whose emulated sockets need ~2 s for 5,000 connects alone and stalled once
  // under load, and on the libkqueue build (a debug build over an emulated kqueue, whose
  // accept loop fell behind a loaded CI run until the dropped SYNs' retransmissions outlasted
  // ava's timeout), under qemu-user (every instruction emulated) and under a sanitizer (a run
  // several times slower, ASan's quarantine on every socket), the burst stays within
  // the backlog (500) and the 2 s bound is not checked: what it checks there is that
  // every queued connection is reported and accepted, not how large a burst the backlog absorbs.
  const count = slowHarness ? 500 : 5000
  const worker = new Worker(bootstrap, { workerData: { entry: acceptWorker, options: loopback, count } })
  t.teardown(() => worker.terminate())
  const [{ port }] = (await once(worker, 'message')) as [{ port: number }]
  const started = performance.now()
  const clients: TcpStream[] = []
  try {
    for (let i = 0; i < count; i++) clients.push(TcpStream.connect({ address: '127.0.0.1', port }))
    speakOnce(clients, BURST_HANG_MS)
    const giveUp = new AbortController()
    const [{ accepted }] = (await Promise.race([
      once(worker, 'message'),
      delay(BURST_HANG_MS, undefined, { signal: giveUp.signal }).then(() => {
        throw new Error(`the accept worker did not report ${count} accepted within ${BURST_HANG_MS} ms`)
      }),
    ]).finally(() => giveUp.abort())) as [{ accepted: number }]
    const ms = performance.now() - started
    t.log(`${accepted} connections accepted ${ms.toFixed(0)} ms after the first connect`)
    t.is(accepted, count)
    // The bound: past the backlog the kernel drops SYNs, and a dropped SYN is only
    // sent again a second later (then two, then four), so a burst that overflows takes longer.
    if (!slowHarness) t.true(ms < 2000, `all ${count} accepted within 2 s (took ${ms.toFixed(0)} ms)`)
  } finally {
    for (const c of clients) c.close()
  }
})

unixOnly('SO_REUSEPORT: Windows has none')('reusePort lets two listeners share a port; without it the second bind is EADDRINUSE', (t) => {
  const first = TcpListener.bind({ ...loopback, reusePort: true })
  t.teardown(() => first.close())
  const { port } = first.localAddress()
  const second = TcpListener.bind({ address: '127.0.0.1', port, reusePort: true })
  t.teardown(() => second.close())
  t.is(second.localAddress().port, port)
  t.throws(() => TcpListener.bind({ address: '127.0.0.1', port }), { code: 'EADDRINUSE' })
})

if (onWindows) {
  test('reusePort is ENOTSUP on Windows', (t) => {
    t.throws(() => TcpListener.bind({ ...loopback, reusePort: true }), { code: 'ENOTSUP' })
  })
}

/** An IPv6 wildcard listener, or null on a host without IPv6. */
function bindV6(ipv6Only: boolean): TcpListener | null {
  try {
    return TcpListener.bind({ address: '::', port: 0, ipv6Only })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' || (err as NodeJS.ErrnoException).code === 'EAFNOSUPPORT') return null
    throw err
  }
}

// The refusal is read through takeError(), which libkqueue's gap 5 empties.
const ipv6OnlyTest = onLibkqueue ? libkqueueGap(5) : (title: string, run: Implementation<[]>) => test(title, run)

ipv6OnlyTest('ipv6Only decides whether a listener on :: takes IPv4 clients', (t) => {
  const dual = bindV6(false)
  const only = bindV6(true)
  if (dual === null || only === null) {
    t.log('no IPv6 on this host: nothing to compare')
    t.pass()
    return
  }
  t.teardown(() => { dual.close(); only.close() })
  const poll = new Poll()
  t.teardown(() => poll.close())
  const connectV4 = (listener: TcpListener) => {
    const stream = TcpStream.connect({ address: '127.0.0.1', port: listener.localAddress().port })
    t.teardown(() => stream.close())
    poll.registry.register(stream, 1, Interest.WRITABLE)
    waitFor(poll, 1)
    poll.registry.deregister(stream)
    return stream.takeError() as NodeJS.ErrnoException | null
  }
  t.is(connectV4(dual), null, 'ipv6Only: false accepts an IPv4 client')
  t.is(connectV4(only)?.code, 'ECONNREFUSED', 'ipv6Only: true refuses it')
})

unixOnly('Unix domain sockets')('UnixListener.bind takes a backlog: connects past it fail at once with EAGAIN', (t) => {
  const dir = tempDir(t)
  const roomy = UnixListener.bind(path.join(dir, 'roomy'), { backlog: 300 })
  const small = UnixListener.bind(path.join(dir, 'small'), { backlog: 4 })
  t.teardown(() => { roomy.close(); small.close() })
  const streams: UnixStream[] = []
  t.teardown(() => { for (const s of streams) s.close() })
  for (let i = 0; i < 300; i++) streams.push(UnixStream.connect(path.join(dir, 'roomy')))
  let refused = 0
  for (let i = 0; i < 64; i++) {
    try {
      streams.push(UnixStream.connect(path.join(dir, 'small')))
    } catch (err) {
      t.is((err as NodeJS.ErrnoException).code, 'EAGAIN')
      refused++
    }
  }
  t.true(refused > 0, 'a backlog of 4 queued 64 connects')
  let accepted = 0
  while (roomy.accept() !== null) accepted++
  t.is(accepted, 300)
})
