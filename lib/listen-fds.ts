// Socket activation: the sockets systemd (or systemd-socket-activate, launchd's and s6's
// systemd-compatible modes) opened for this process. The protocol and the adoption are the
// core's (wakepoll::net::listen_fds, sd_listen_fds_with_names); this adapts the result.

import { invalidArgType } from './errors.js'
import { native } from './native.js'
import { socketOfKind, type TcpListener, type TcpStream, type UdpSocket, type UnixDatagram, type UnixListener, type UnixStream } from './net.js'

/** What `listenFds` takes. */
export interface ListenFdsOptions {
  /**
   * Remove `LISTEN_PID`, `LISTEN_PIDFDID`, `LISTEN_FDS` and `LISTEN_FDNAMES` from the
   * environment (the process's and this thread's `process.env`), whatever the outcome, as
   * systemd's `unset_environment`: neither a second call nor a child process takes the
   * descriptors again. Default: `true`.
   */
  unsetEnvironment?: boolean
}

/** One descriptor that socket activation passed to this process. */
export interface ListenFd {
  /**
   * Its name: the entry of `LISTEN_FDNAMES` (systemd's `FileDescriptorName=`,
   * `systemd-socket-activate --fdname`), or `'unknown'` when none were given.
   */
  name: string
  /** Its number: 3 for the first, then 4, 5, … */
  fd: number
  /**
   * The socket, adopted as the class of its kind (non-blocking, close-on-exec; `close()` closes
   * it): a `TcpStream` or `UnixStream` for an `Accept=yes` connection. `null` for a descriptor
   * that is no socket of wakepoll's kinds (a FIFO, a netlink socket, …), which stays open and
   * yours (`fd`).
   */
  socket: TcpListener | TcpStream | UdpSocket | UnixListener | UnixStream | UnixDatagram | null
}

const VARIABLES = ['LISTEN_PID', 'LISTEN_PIDFDID', 'LISTEN_FDS', 'LISTEN_FDNAMES'] as const

/**
 * The descriptors socket activation passed to this process, as systemd's
 * `sd_listen_fds_with_names` finds them: only when `LISTEN_PID` is this process
 * (`process.pid`); `LISTEN_FDS` of them from fd 3 on, each made close-on-exec; named by
 * `LISTEN_FDNAMES`. Not activated: `[]`; on Windows always `[]`. A malformed variable, or
 * names that do not match the count, is `EINVAL`; a descriptor that is not open `EBADF` (then
 * nothing is adopted). Call it once, early (with the default `unsetEnvironment`, a second call
 * finds nothing).
 */
export function listenFds(options?: ListenFdsOptions): ListenFd[] {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArgType('options', 'of type object', options)
  }
  const unset = options?.unsetEnvironment ?? true
  if (typeof unset !== 'boolean') throw invalidArgType('options.unsetEnvironment', 'of type boolean', unset)
  let found
  try {
    found = native.socketListenFds(unset)
  } finally {
    // The native call unset the process's variables; a worker's process.env is its own copy.
    if (unset) for (const name of VARIABLES) delete process.env[name]
  }
  return found.map(({ name, fd, key, kind }) => ({
    name,
    fd,
    socket: key === null || key === undefined || kind === null || kind === undefined ? null : (socketOfKind(kind, key) as ListenFd['socket']),
  }))
}
