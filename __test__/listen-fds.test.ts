// Socket activation (issue #24, contract section 7a): `listenFds()` follows systemd's
// sd_listen_fds_with_names. A real activated process is started two ways: by
// `sh -c 'LISTEN_PID=$$ exec node …'` with chosen descriptors at 3, 4, … (every case of the
// protocol), and by systemd's own `systemd-socket-activate` (Debian's `systemd` package;
// .ci/run installs it when missing) for a TCP and a Unix listener with --fdname, --datagram,
// and --accept, a client served through each. The server is helpers/activated-server.ts.

import { execFileSync, spawn, type StdioOptions } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import {
  Interest,
  TcpListener,
  TcpStream,
  UdpSocket,
  UnixDatagram,
  UnixListener,
  UnixStream,
  listenFds,
  type Poll,
} from '../index.ts'
import { HANG_MS, VARIABLES, type Report } from './helpers/activation-report.js'
import { stdoutLines } from './helpers/child.js'
import { invalidArgType, newPoll, unchecked } from './helpers/expect.js'
import { openRegularFile } from './helpers/fds.js'
import { askUntilClosed, tcpPair, tempDir, waitFor } from './helpers/net.js'
import { onWindows, unixOnly } from './helpers/platform.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const server = fileURLToPath(new URL('./helpers/activated-server.ts', import.meta.url))

interface Running {
  nextLine(): Promise<string>
  stderr(): string
  /** Resolves with whether `pred(stderr)` came true (false: the process exited first). */
  stderrWhen(pred: (stderr: string) => boolean): Promise<boolean>
  exited: Promise<number | null>
}

/** Runs `command` (stdout read by line, stderr kept); killed when the test ends. */
function run(t: ExecutionContext, command: string, args: string[], stdio: StdioOptions, env: NodeJS.ProcessEnv): Running {
  const proc = spawn(command, args, { cwd: root, stdio, env })
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  })
  let stderr = ''
  const watchers = new Set<() => void>()
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const watch of watchers) watch()
  })
  const out = stdoutLines(proc, () => `; stderr: ${stderr}`)
  const exited = out.exited.then(({ code }) => code)
  return {
    nextLine: out.nextLine,
    stderr: () => stderr,
    stderrWhen: (pred) =>
      new Promise<boolean>((resolve) => {
        const watch = () => {
          if (!pred(stderr)) return
          watchers.delete(watch)
          resolve(true)
        }
        watchers.add(watch)
        watch()
        void exited.then(() => {
          watchers.delete(watch)
          resolve(pred(stderr))
        })
      }),
    exited,
  }
}

/** This process's environment without any socket activation variables. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  for (const name of VARIABLES) if (!(name in extra)) delete env[name]
  return env
}

/**
 * The server in `mode`, activated by hand: `fds` at 3, 4, …, `LISTEN_PID` = the server's own
 * pid (`$$`, which `exec` keeps) unless `pid` says otherwise, and `env` (LISTEN_FDS, …).
 */
function activated(t: ExecutionContext, mode: string, fds: number[], env: Record<string, string>, pid = '$$'): Running {
  return run(
    t,
    'sh',
    ['-c', `LISTEN_PID=${pid} exec "$0" "$@"`, process.execPath, '--import', 'tsx', server, mode],
    ['ignore', 'pipe', 'pipe', ...fds],
    cleanEnv(env),
  )
}

const byHand = unixOnly('socket activation passes fds; Windows has none (listenFds() is [] there)')

byHand('an activated process gets each descriptor as its class, named, from fd 3, and the variables are unset', async (t) => {
  const poll = newPoll(t)
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  const udp = UdpSocket.bind({ address: '127.0.0.1' })
  const unixListener = UnixListener.bind(path.join(tempDir(t), 'l.sock'))
  const [stream, streamPeer] = UnixStream.pair()
  const [datagram, datagramPeer] = UnixDatagram.pair()
  const { server: tcpStream } = tcpPair(t, poll)
  const file = openRegularFile(t)
  const sockets = [listener, udp, unixListener, stream, datagram, tcpStream]
  for (const s of [...sockets, streamPeer, datagramPeer]) t.teardown(() => s.close())
  const names = 'web:dns:local:conn:dgram:tcpconn:file'
  const child = activated(t, 'report', [...sockets.map((s) => s.fd), file], { LISTEN_FDS: '7', LISTEN_FDNAMES: names })
  const report = JSON.parse(await child.nextLine()) as Report
  t.deepEqual(report.found, [
    { name: 'web', fd: 3, kind: 'TcpListener' },
    { name: 'dns', fd: 4, kind: 'UdpSocket' },
    { name: 'local', fd: 5, kind: 'UnixListener' },
    { name: 'conn', fd: 6, kind: 'UnixStream' },
    { name: 'dgram', fd: 7, kind: 'UnixDatagram' },
    { name: 'tcpconn', fd: 8, kind: 'TcpStream' },
    { name: 'file', fd: 9, kind: null },
  ])
  t.deepEqual(report.left, [], 'LISTEN_* unset')
  t.is(await child.exited, 0)
})

byHand('without LISTEN_FDNAMES every descriptor is named "unknown", as systemd names it', async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const child = activated(t, 'report', [listener.fd, listener.fd], { LISTEN_FDS: '2' })
  const report = JSON.parse(await child.nextLine()) as Report
  t.deepEqual(
    report.found.map((f) => [f.name, f.kind]),
    [
      ['unknown', 'TcpListener'],
      ['unknown', 'TcpListener'],
    ],
  )
})

byHand('{ unsetEnvironment: false } leaves the variables in place', async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const child = activated(t, 'keep', [listener.fd], { LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' })
  const report = JSON.parse(await child.nextLine()) as Report
  t.deepEqual(report.found, [{ name: 'web', fd: 3, kind: 'TcpListener' }])
  t.deepEqual(report.left, ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES'])
})

byHand("called in a worker, it unsets the process's environment too, not only the worker's copy", async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const child = activated(t, 'worker', [listener.fd], { LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' })
  const report = JSON.parse(await child.nextLine()) as Report
  t.deepEqual(report.found, [{ name: 'web', fd: 3, kind: 'TcpListener' }])
  t.deepEqual(report.left, [], "the worker's process.env")
  // On Node the main thread's process.env reads the real environment.
  t.deepEqual(report.mainLeft, [], "the process's environment")
})

byHand('LISTEN_PID of another process: nothing is taken, the descriptors stay open, the variables are unset', async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const child = activated(t, 'report', [listener.fd], { LISTEN_FDS: '1' }, '1')
  const report = JSON.parse(await child.nextLine()) as Report
  t.deepEqual(report.found, [])
  t.deepEqual(report.open, [3], 'fd 3 untouched')
  t.deepEqual(report.left, [])
})

byHand('a LISTEN_FDNAMES that does not name every descriptor, or a bad LISTEN_FDS, is EINVAL', async (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const cases: Array<Record<string, string>> = [
    { LISTEN_FDS: '1', LISTEN_FDNAMES: 'a:b' },
    { LISTEN_FDS: '0' },
    { LISTEN_FDS: 'one' },
  ]
  for (const env of cases) {
    const child = activated(t, 'report', [listener.fd], env)
    const report = JSON.parse(await child.nextLine()) as Report
    t.is(report.error, 'EINVAL', JSON.stringify(env))
    t.deepEqual(report.open, [3], 'fd 3 untouched')
    t.deepEqual(report.left, [], 'unset all the same')
  }
})

test('not activated: [] (on Windows always); bad options are TypeErrors', (t) => {
  // This process was not started by socket activation (ava's worker).
  t.deepEqual(listenFds({ unsetEnvironment: false }), [])
  t.deepEqual(listenFds(), [])
  t.throws(() => listenFds(unchecked(1)), invalidArgType)
  t.throws(() => listenFds(unchecked({ unsetEnvironment: 'yes' })), invalidArgType)
})

// ---------------------------------------------------------------- systemd-socket-activate

/** Whether systemd's tool is installed (CI installs it: a missing one fails there; Windows skips as Unix-only). */
const haveActivate = (() => {
  if (onWindows) return false
  try {
    execFileSync('systemd-socket-activate', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const withActivate =
  haveActivate || process.env.CI === 'true' || onWindows
    ? unixOnly('systemd-socket-activate', { serial: true })
    : (title: string, implementation: (t: ExecutionContext) => Promise<void>) =>
        test.skip(`${title} [systemd-socket-activate is not installed: apt-get install systemd]`, implementation)

/** A port that was free a moment ago (systemd-socket-activate cannot be given port 0). */
function freePort(kind: 'tcp' | 'udp'): number {
  const socket = kind === 'tcp' ? TcpListener.bind({ address: '127.0.0.1' }) : UdpSocket.bind({ address: '127.0.0.1' })
  const { port } = socket.localAddress()
  socket.close()
  return port
}

/**
 * Starts `systemd-socket-activate <flags> -l <each listen>… node … serve`, waiting until it
 * listens on every address. A TCP/UDP port it found taken (another process took it after
 * freePort) is tried again with another: that is the one retry, never a sleep.
 */
async function activate(
  t: ExecutionContext,
  flags: string[],
  listen: (port: number) => string[],
  kind: 'tcp' | 'udp',
): Promise<{ port: number; running: Running }> {
  for (let attempt = 0; ; attempt++) {
    const port = freePort(kind)
    const addresses = listen(port)
    const args = [...flags, ...addresses.flatMap((a) => ['-l', a]), process.execPath, '--import', 'tsx', server, 'serve']
    const running = run(t, 'systemd-socket-activate', args, ['ignore', 'pipe', 'pipe'], cleanEnv({}))
    // It says "Listening on <address> as <fd>." for each, on stderr, before anything else;
    // a taken port ends it with "Address already in use".
    const listening = await running.stderrWhen(
      (err) => addresses.every((a) => err.includes(`Listening on ${a} as`)) || /Failed to|Address already in use/.test(err),
    ) && addresses.every((a) => running.stderr().includes(`Listening on ${a} as`))
    if (listening) return { port, running }
    if (attempt === 4 || !running.stderr().includes('Address already in use')) {
      throw new Error(`systemd-socket-activate did not listen: ${running.stderr()}`)
    }
  }
}

/** Sends `message` on `stream`, reads the answer until the server closes, closes the stream. */
function ask(poll: Poll, stream: TcpStream | UnixStream, message: string): string {
  const reply = askUntilClosed(poll, stream, 50, message, HANG_MS)
  stream.close()
  return reply
}

withActivate('systemd-socket-activate: a TCP and a Unix listener with --fdname, each serving a client', async (t) => {
  t.timeout(90_000)
  const poll = newPoll(t)
  const socketPath = path.join(tempDir(t), 'local.sock')
  const { port, running } = await activate(t, ['--fdname=web:local'], (p) => [`127.0.0.1:${p}`, socketPath], 'tcp')
  // The first connection makes it start the server.
  t.is(ask(poll, TcpStream.connect({ address: '127.0.0.1', port }), 'hello'), 'web:hello')
  const report = JSON.parse(await running.nextLine()) as Report
  t.deepEqual(report.found, [
    { name: 'web', fd: 3, kind: 'TcpListener' },
    { name: 'local', fd: 4, kind: 'UnixListener' },
  ])
  t.deepEqual(report.left, [])
  t.is(ask(poll, UnixStream.connect(socketPath), 'hi'), 'local:hi')
  t.is(await running.exited, 0)
  t.deepEqual([await running.nextLine(), await running.nextLine()].sort(), ['served local', 'served web'])
})

withActivate('systemd-socket-activate --datagram: a UDP socket with --fdname, answering a datagram', async (t) => {
  t.timeout(90_000)
  const poll = newPoll(t)
  const { port, running } = await activate(t, ['--datagram', '--fdname=dns'], (p) => [`127.0.0.1:${p}`], 'udp')
  const client = UdpSocket.bind({ address: '127.0.0.1' })
  t.teardown(() => client.close())
  poll.registry.register(client, 60, Interest.READABLE)
  t.is(client.sendTo(Buffer.from('query'), { address: '127.0.0.1', port }), 5)
  waitFor(poll, 60, undefined, HANG_MS)
  const buf = Buffer.alloc(64)
  const got = client.recvFrom(buf)
  t.is(buf.toString('utf8', 0, got?.bytes ?? 0), 'dns:query')
  t.is(got?.address.port, port)
  t.deepEqual((JSON.parse(await running.nextLine()) as Report).found, [{ name: 'dns', fd: 3, kind: 'UdpSocket' }])
  t.is(await running.exited, 0)
})

withActivate('systemd-socket-activate --accept: each connection arrives as a TcpStream (Accept=yes)', async (t) => {
  t.timeout(90_000)
  const poll = newPoll(t)
  const { port, running } = await activate(t, ['--accept', '--fdname=conn'], (p) => [`127.0.0.1:${p}`], 'tcp')
  t.is(ask(poll, TcpStream.connect({ address: '127.0.0.1', port }), 'one'), 'conn:one')
  // The tool keeps listening (and forks a server per connection): the server printed its
  // report on the tool's stdout.
  const report = JSON.parse(await running.nextLine()) as Report
  t.deepEqual(report.found, [{ name: 'conn', fd: 3, kind: 'TcpStream' }])
  t.is(await running.nextLine(), 'served conn')
})
