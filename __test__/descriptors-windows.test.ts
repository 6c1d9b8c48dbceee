// Descriptors across processes on Windows (issue #24): no descriptor passing there, but
// `socket.duplicateFor(pid)` (WSADuplicateSocketW) gives text that the process `pid` turns
// into its own socket with `<Class>.fromDuplicate(text)` — a listener both ways, and a live
// connection. Each side then holds the same socket, each closing its own copy. The other
// process is a real node.exe (helpers/duplicate-child.ts); under wine this runs through
// scripts/cross/check-windows-node.sh. The calls that Windows cannot make (descriptor passing,
// Unix sockets) are ENOTSUP there, naming what to use; `listenFds()` is `[]`.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { Interest, TcpListener, TcpStream, UnixDatagram, UnixStream, listenFds } from '../index.ts'
import { stdoutLines } from './helpers/child.js'
import { newPoll } from './helpers/expect.js'
import { askUntilClosed, tcpPair, waitFor } from './helpers/net.js'
import { onWindows } from './helpers/os.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = fileURLToPath(new URL('./helpers/duplicate-child.ts', import.meta.url))
const HANG_MS = 10_000

type Declare = (title: string, run: (t: ExecutionContext) => Promise<void> | void) => void
const windowsTest: Declare = onWindows ? (title, run) => test.serial(title, run) : (title, run) => test.skip(`${title} [Windows only]`, run)

interface Running {
  pid: number
  nextLine(): Promise<string>
  writeLine(line: string): void
  exited: Promise<number | null>
}

function child(t: ExecutionContext, args: string[]): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill()
  })
  const out = stdoutLines(proc)
  return {
    pid: proc.pid!,
    nextLine: out.nextLine,
    writeLine: (line) => void proc.stdin!.write(`${line}\n`),
    exited: out.exited.then(({ code }) => code),
  }
}

/** Sends `message` on `stream` and reads the answer until the other side closes. */
function ask(t: ExecutionContext, stream: TcpStream, message: string): string {
  return askUntilClosed(newPoll(t), stream, 1, message, HANG_MS)
}

windowsTest('a listener duplicated for a child node.exe is accepted on there, after this process closed its copy', async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  const port = listener.localAddress().port
  const c = child(t, ['take', 'listener'])
  t.is(await c.nextLine(), 'ready')
  const text = listener.duplicateFor(c.pid)
  t.regex(text, /^[0-9a-f]+$/)
  c.writeLine(text)
  t.is(await c.nextLine(), `listening ${port}`)
  listener.close()
  const client = TcpStream.connect({ address: '127.0.0.1', port })
  t.teardown(() => client.close())
  t.is(ask(t, client, 'ping'), `child ${c.pid} read ping`)
  t.is(await c.nextLine(), 'served')
  t.is(await c.exited, 0)
})

windowsTest("a child's listener duplicated for this process is accepted on here, after the child closed its copy", async (t) => {
  const c = child(t, ['give', String(process.pid)])
  const text = /^text ([0-9a-f]+)$/.exec(await c.nextLine())?.[1] ?? ''
  const port = Number(/^port (\d+)$/.exec(await c.nextLine())?.[1])
  const listener = TcpListener.fromDuplicate(text)
  t.teardown(() => listener.close())
  t.is(listener.localAddress().port, port)
  c.writeLine('close')
  t.is(await c.nextLine(), 'closed')
  t.is(await c.exited, 0)
  const poll = newPoll(t)
  poll.registry.register(listener, 3, Interest.READABLE)
  const client = TcpStream.connect({ address: '127.0.0.1', port })
  t.teardown(() => client.close())
  waitFor(poll, 3, undefined, HANG_MS)
  const accepted = listener.accept()
  t.truthy(accepted)
  accepted?.[0].close()
})

windowsTest('a live connection duplicated for a child is answered there', async (t) => {
  const { client, server } = tcpPair(t, newPoll(t))
  const c = child(t, ['take', 'stream'])
  t.is(await c.nextLine(), 'ready')
  c.writeLine(server.duplicateFor(c.pid))
  server.close() // the child's copy keeps the connection
  t.is(ask(t, client, 'hello'), `child ${c.pid} read hello`)
  t.is(await c.nextLine(), 'served')
  t.is(await c.exited, 0)
})

windowsTest('fromDuplicate refuses text that is not a duplicate, and a socket of another class', (t) => {
  for (const bad of ['', '00', 'xyz']) t.throws(() => TcpListener.fromDuplicate(bad), { code: 'EINVAL' })
  const { client } = tcpPair(t, newPoll(t))
  const err = t.throws(() => TcpListener.fromDuplicate(client.duplicateFor(process.pid)), { code: 'EINVAL' })
  t.true(err?.message.includes('a TCP stream socket'), err?.message)
})

windowsTest('descriptor passing and Unix sockets are ENOTSUP, naming duplicateFor; listenFds() is []', (t) => {
  for (const Class of [UnixStream, UnixDatagram]) {
    const err = t.throws(() => Class.fromFd(3), { code: 'ENOTSUP' })
    t.true(err?.message.includes('duplicateFor'), err?.message)
  }
  t.throws(() => UnixStream.pair(), { code: 'ENOTSUP' })
  t.deepEqual(listenFds(), [])
})
