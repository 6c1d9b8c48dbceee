// Sockets and pipes: mio's sources (wakepoll::net, wakepoll::unix::pipe) for JavaScript.
//
// Every object holds a key of the native socket table (src/net.rs, src/slots.rs), nothing
// native of its own: close() frees the socket at once, and `accept()`, `connect`, `pair()` in a
// loop that never returns to the event loop leave nothing waiting for a finalizer. One dropped
// without close() is closed when it is collected (lib/unclosed.ts).
// The hot calls — read/recv and write/send — go through the raw Node-API callbacks
// `netRead`/`netWrite`; everything else is a plain napi-rs function taking the key.

import { isIP } from 'node:net'

import { native, type Key, type RawAddress } from './native.js'
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js'
import { kSource, type SourceOps, type WakepollSource } from './source.js'
import { isSyncEvent, type SyncEvent } from './sync-event.js'
import { isTimer, timerDescriptor, type Timer } from './timer.js'
import { Unclosed, type Cell } from './unclosed.js'
import { validateHandle, validateInteger } from './validate.js'

const kKey = Symbol('wakepoll.key')
const kCreate = Symbol('wakepoll.create')

const kCell = Symbol('wakepoll.cell')

// Frees a socket collected without close() (lib/unclosed.ts).
const unclosed = new Unclosed((key) => native.socketClose(key))

/** An IP socket's address, shaped like node:net's `socket.address()`. */
export interface InetAddress {
  /** The IP address, as text (`'127.0.0.1'`, `'::1'`). */
  address: string
  /** The port, 0 … 65535. */
  port: number
  /** Which IP version `address` is. */
  family: 'IPv4' | 'IPv6'
}

/**
 * A Unix domain socket's address. `path` is `null` for an unnamed socket (one end of
 * `pair()`, an `unbound()` datagram socket, the connecting side of a stream) and for Linux's
 * abstract addresses.
 */
export interface UnixAddress {
  /** The socket file's path, or `null` (see above). */
  path: string | null
}

/** Where `TcpListener.bind`, `TcpStream.connect`, `UdpSocket.bind`… point: like node:net's. */
export interface InetAddressOptions {
  /** An IPv4 or IPv6 address (no host names: nothing here resolves DNS). */
  address: string
  /** 0 … 65535; for `bind`, 0 (the default) picks a free port. */
  port?: number
}

/** What `TcpListener.bind` takes: where to listen, and how, as node:net's `server.listen`. */
export interface TcpListenOptions extends InetAddressOptions {
  /**
   * How many connections the OS queues before they are accepted (`listen`'s backlog); the OS
   * caps it (Linux: `net.core.somaxconn`). An integer 0 … 2^31−1. Default: 511, as node:net.
   */
  backlog?: number
  /**
   * `SO_REUSEPORT`: several listeners (in several workers or processes) may bind the same
   * address and port, and the kernel spreads new connections among them. Not on Windows
   * (`ENOTSUP`). Default: `false`.
   */
  reusePort?: boolean
  /**
   * For an IPv6 address: `true` accepts IPv6 clients only; `false` IPv4 ones too (as
   * IPv4-mapped addresses). Left out: the OS default (both, on Linux and macOS). Ignored for an
   * IPv4 address.
   */
  ipv6Only?: boolean
}

/** What `UnixListener.bind` takes beside the path. */
export interface UnixListenOptions {
  /** As {@link TcpListenOptions.backlog}. Default: 511. */
  backlog?: number
}

/** node:net's default listen backlog, and so wakepoll's. */
const DEFAULT_BACKLOG = 511

/** The opaque string of a socket's `handle`; good for one `fromHandle`. */
export type SocketHandle = string & { /** @internal */ readonly __wakepoll: 'Socket' }

/** What `recvFrom` returns: the bytes received and who sent them. */
export interface Received<A> {
  /** The datagram's size in bytes (what was copied into the buffer). */
  bytes: number
  /** Who sent it. */
  address: A
}

/** Which side `shutdown` closes: reading, writing, or both. */
export type ShutdownHow = 'read' | 'write' | 'both'

/**
 * What `sendWithFds` sends: a file descriptor number, or a wakepoll object whose descriptor
 * goes (a SyncEvent's eventfd or FIFO, a Timer's timerfd — Linux only —, any socket or pipe
 * end's fd). The object stays the sender's: the peer gets a copy of the descriptor.
 */
export type FdSource = number | SyncEvent | Timer | Socket

/** What `recvWithFds` returns: the bytes received and the descriptors that came with them. */
export interface ReceivedWithFds {
  /** How many bytes were copied into the buffer (0 at end of stream). */
  bytes: number
  /**
   * The descriptors received, in order: new fds of this process, close-on-exec, owned by the
   * caller (adopt them with `<Class>.fromFd` or `SyncEvent.fromFd`, or close them).
   */
  fds: number[]
}

/**
 * The most descriptors one `sendWithFds` carries and one `recvWithFds` takes: 253 (Linux's
 * `SCM_MAX_FD`; the same on macOS and FreeBSD); 0 on Windows, which has no descriptor passing.
 */
export const MAX_FDS_PER_MESSAGE: number = native.socketMaxFdsPerMessage()

// ---------------------------------------------------------------- validation

function validateBuffer(buf: unknown, name = 'buffer'): asserts buf is Uint8Array {
  if (!(buf instanceof Uint8Array)) throw invalidArgType(name, 'an instance of Buffer or Uint8Array', buf)
}

function validateInet(options: unknown, portRequired: boolean, name = 'options'): { address: string; port: number } {
  if (typeof options !== 'object' || options === null) throw invalidArgType(name, 'of type object', options)
  const { address, port } = options as { address?: unknown; port?: unknown }
  if (typeof address !== 'string') throw invalidArgType(`${name}.address`, 'of type string', address)
  if (isIP(address) === 0) throw invalidArgValue(`${name}.address`, address, 'must be an IPv4 or IPv6 address')
  if (port === undefined && !portRequired) return { address, port: 0 }
  validateInteger(port, `${name}.port`, portRequired ? 1 : 0, 65535)
  return { address, port }
}

function validateBacklog(backlog: unknown, name: string): number {
  if (backlog === undefined) return DEFAULT_BACKLOG
  validateInteger(backlog, name, 0, 0x7fff_ffff)
  return backlog
}

function validateOptionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value !== undefined) validateBoolean(value, name)
  return value
}

function validatePath(path: unknown, name = 'path'): asserts path is string {
  if (typeof path !== 'string') throw invalidArgType(name, 'of type string', path)
  if (path.length === 0 || path.includes('\0')) {
    throw invalidArgValue(name, path, 'must be a non-empty string without null bytes')
  }
}

function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
}

const SHUTDOWN: Record<ShutdownHow, number> = { read: 0, write: 1, both: 2 }

function validateHow(how: unknown): number {
  if (typeof how !== 'string') throw invalidArgType('how', "one of 'read', 'write' or 'both'", how)
  const code = (SHUTDOWN as Record<string, number | undefined>)[how]
  if (code === undefined || !Object.hasOwn(SHUTDOWN, how)) {
    throw invalidArgValue('how', how, "must be one of 'read', 'write' or 'both'")
  }
  return code
}

// ---------------------------------------------------------------- addresses

function inet(raw: RawAddress): InetAddress {
  return { address: raw.address, port: raw.port, family: raw.family as 'IPv4' | 'IPv6' }
}

function unix(raw: RawAddress): UnixAddress {
  return { path: raw.path ?? null }
}

// ---------------------------------------------------------------- the common base

/**
 * `read(buf, offset, length)`: bytes read into `buf[offset, offset + length)`, `0` at end of
 * stream, `null` if it would block. The range is given as numbers (as `fs.readSync` takes it)
 * so that a loop need not make a `subarray` view per call.
 */
function readInto(socket: Socket, buf: unknown, offset: unknown, length: unknown): number | null {
  validateBuffer(buf)
  const at = offset === undefined ? 0 : validOffset(offset, buf.length)
  const len = length === undefined ? buf.length - at : validLength(length, buf.length - at)
  return native.netRead(socket[kKey], buf, at, len)
}

/** `write(buf, offset, length)`: bytes written from `buf[offset, offset + length)`, `null` if it would block. */
function writeFrom(socket: Socket, buf: unknown, offset: unknown, length: unknown): number | null {
  validateBuffer(buf)
  const at = offset === undefined ? 0 : validOffset(offset, buf.length)
  const len = length === undefined ? buf.length - at : validLength(length, buf.length - at)
  return native.netWrite(socket[kKey], buf, at, len)
}

function validOffset(offset: unknown, size: number): number {
  validateInteger(offset, 'offset', 0, size)
  return offset
}

function validLength(length: unknown, room: number): number {
  validateInteger(length, 'length', 0, room)
  return length
}

/**
 * What every socket and pipe end shares: `fd`, `close()`, `Symbol.dispose`, `handle` (to move
 * it to another worker) and registration with a Registry. Registrations are edge-triggered:
 * after an event, read/write/accept until the call returns `null`.
 */
export abstract class Socket implements WakepollSource, Disposable {
  /** @internal */
  readonly [kKey]: Key
  /** @internal */
  readonly [kCell]: Cell

  /** Not for users: sockets come from the static factories (`bind`, `connect`, …). */
  constructor(inner: never, key?: Key) {
    if ((inner as unknown) !== kCreate || typeof key !== 'number') {
      throw invalidArgType('inner', `made by ${new.target.name}'s static methods`, inner)
    }
    this[kKey] = key
    this[kCell] = unclosed.track(this, key)
  }

  /** The file descriptor (still owned by this object). `ERR_CLOSED` once closed. */
  get fd(): number {
    return native.socketFd(this[kKey])
  }

  /** Whether it was closed (or moved away through `handle`). */
  get closed(): boolean {
    return native.socketClosed(this[kKey])
  }

  /**
   * Moves the socket out of this object into a handle (plain data for `postMessage` /
   * `workerData`), which `fromHandle` of the same class turns back into a socket — once — in
   * any worker. Reading it closes this object (its registration ends).
   */
  get handle(): SocketHandle {
    const handle = native.socketDetach(this[kKey]) as SocketHandle
    unclosed.untrack(this[kCell])
    return handle
  }

  /**
   * Gives the descriptor up (mio's `IntoRawFd`): ends its registration (no later event
   * reports it), closes this object (`ERR_CLOSED` from then on) and returns the fd — on
   * Windows the SOCKET — still open and now the caller's to close, hand to another library or
   * pass to another process.
   */
  intoFd(): number {
    const fd = native.socketIntoFd(this[kKey])
    unclosed.untrack(this[kCell])
    return fd
  }

  /** Ends its registration, then closes the fd. Idempotent. */
  close(): void {
    unclosed.untrack(this[kCell])
    native.socketClose(this[kKey])
  }

  /** The same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** @internal */
  get [kSource](): SourceOps {
    const key = this[kKey]
    return {
      register: (poll, token, interest) => native.registrySocket(poll, 0, key, token, interest),
      reregister: (poll, token, interest) => native.registrySocket(poll, 1, key, token, interest),
      deregister: (poll) => native.registrySocket(poll, 2, key, 0, 0),
    }
  }
}

type SocketClass<T> = new (inner: never, key: Key) => T

/** A new object of `Class` for the socket of `key`. */
function make<T extends Socket>(Class: SocketClass<T>, key: Key): T {
  return new Class(kCreate as never, key)
}

function fromHandle<T extends Socket>(Class: SocketClass<T>, handle: unknown): T {
  validateHandle(handle)
  return make(Class, native.socketFromHandle(handle, Class.name))
}

/** `Class.fromFd(fd)`: the socket `fd` adopted as `Class` (the core checks its kind). */
function fromFd<T extends Socket>(Class: SocketClass<T>, fd: unknown): T {
  validateInteger(fd, 'fd', 0, Number.MAX_SAFE_INTEGER)
  return make(Class, native.socketFromFd(fd, Class.name))
}

/** `Class.fromDuplicate(text)` (Windows): this process's socket for another's `duplicateFor`. */
function fromDuplicate<T extends Socket>(Class: SocketClass<T>, text: unknown): T {
  if (typeof text !== 'string') throw invalidArgType('text', 'of type string', text)
  return make(Class, native.socketFromDuplicate(text, Class.name))
}

/** `socket.duplicateFor(pid)` (Windows). */
function duplicateFor(socket: Socket, pid: unknown): string {
  validateInteger(pid, 'pid', 0, 0xffff_ffff)
  return native.socketDuplicateFor(socket[kKey], pid)
}

/** The socket of `key` (just adopted natively) as an object of the class `kind` names. */
export function socketOfKind(kind: string, key: Key): Socket {
  const Class = ({ TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream, UnixDatagram } as Record<string, SocketClass<Socket>>)[kind]
  if (Class === undefined) throw new TypeError(`no socket class ${kind}`)
  return make(Class, key)
}

// ---------------------------------------------------------------- descriptor passing

// The descriptors of one sendWithFds / recvWithFds cross into native code here (count first
// for a receive), so that a loop passing descriptors allocates nothing native.
const fdScratch = new Int32Array(MAX_FDS_PER_MESSAGE + 1)

/** The descriptor of one `fds` item. */
function descriptorOf(item: unknown, name: string): number {
  if (typeof item === 'number') {
    validateInteger(item, name, 0, 0x7fff_ffff)
    return item
  }
  if (isSyncEvent(item)) return item.fd
  if (isTimer(item)) return timerDescriptor(item)
  if (item instanceof Socket) return item.fd
  throw invalidArgType(name, 'a file descriptor or a SyncEvent, Timer, socket or pipe end', item)
}

/** Validates `fds` and writes their descriptors to `fdScratch`; their number. */
function loadFds(fds: unknown): number {
  if (!Array.isArray(fds)) throw invalidArgType('fds', 'an instance of Array', fds)
  if (fds.length > MAX_FDS_PER_MESSAGE) {
    throw outOfRange('fds.length', `<= ${MAX_FDS_PER_MESSAGE} (descriptors one message carries)`, fds.length)
  }
  for (let i = 0; i < fds.length; i++) fdScratch[i] = descriptorOf(fds[i], `fds[${i}]`)
  return fds.length
}

function sendWithFds(
  socket: Socket,
  buf: unknown,
  fds: unknown,
  offset: unknown,
  length: unknown,
  path: string | null,
  stream: boolean,
): number | null {
  validateBuffer(buf)
  const at = offset === undefined ? 0 : validOffset(offset, buf.length)
  const len = length === undefined ? buf.length - at : validLength(length, buf.length - at)
  const count = loadFds(fds)
  // A stream carries descriptors with its bytes: a send of none would drop them.
  if (stream && count > 0 && len === 0) throw outOfRange('length', '>= 1 when fds are sent on a stream', len)
  return native.netSendWithFds(socket[kKey], buf, at, len, fdScratch, count, path)
}

function recvWithFds(socket: Socket, buf: unknown, maxFds: unknown, offset: unknown, length: unknown): ReceivedWithFds | null {
  validateBuffer(buf)
  validateInteger(maxFds, 'maxFds', 0, MAX_FDS_PER_MESSAGE)
  const at = offset === undefined ? 0 : validOffset(offset, buf.length)
  const len = length === undefined ? buf.length - at : validLength(length, buf.length - at)
  const bytes = native.netRecvWithFds(socket[kKey], buf, at, len, fdScratch, maxFds)
  if (bytes === null) return null
  const fds: number[] = []
  for (let i = 1; i <= fdScratch[0]!; i++) fds.push(fdScratch[i]!)
  return { bytes, fds }
}

/** The pending socket error (`SO_ERROR`, cleared by reading it) as a system error, or null. */
function takeError(socket: Socket): Error | null {
  return (native.socketTakeError(socket[kKey]) as Error | null | undefined) ?? null
}

// ---------------------------------------------------------------- TCP

/** A listening TCP socket (mio's `TcpListener`). */
export class TcpListener extends Socket {
  /**
   * Binds and listens: `TcpListener.bind({ address: '127.0.0.1', port: 0 })`, with node:net's
   * `backlog` (511 by default), `reusePort` and `ipv6Only`.
   */
  static override bind(options: TcpListenOptions): TcpListener {
    const { address, port } = validateInet(options, false)
    const { backlog, reusePort, ipv6Only } = options
    return make(
      TcpListener,
      native.socketTcpListenerBind(
        address,
        port,
        validateBacklog(backlog, 'options.backlog'),
        validateOptionalBoolean(reusePort, 'options.reusePort') ?? false,
        validateOptionalBoolean(ipv6Only, 'options.ipv6Only'),
      ),
    )
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): TcpListener {
    return fromHandle(TcpListener, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a listening TCP socket; makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): TcpListener {
    return fromFd(TcpListener, fd)
  }

  /**
   * Windows: this process's socket for the text another process's `duplicateFor(pid)` made
   * for it (any channel carries it: argv, a pipe, a file). Text that is not such is `EINVAL`,
   * as is a socket of another kind. On Unix `ENOTSUP`: receive the fd with `recvWithFds` and
   * adopt it with `fromFd`.
   */
  static fromDuplicate(text: string): TcpListener {
    return fromDuplicate(TcpListener, text)
  }

  /**
   * Windows: lets process `pid` make its own socket for this one (`WSADuplicateSocketW`):
   * returns text to hand to that process, where `TcpListener.fromDuplicate(text)` makes the
   * socket. Both processes then hold the same socket, each closing its own. On Unix `ENOTSUP`:
   * send the fd over a `UnixStream` with `sendWithFds`.
   */
  duplicateFor(pid: number): string {
    return duplicateFor(this, pid)
  }

  /**
   * `[stream, peerAddress]` of a pending connection, or `null` when none is pending. The
   * address is the one the kernel gave with the connection, so a connection the peer reset
   * while it waited in the backlog is still returned (its first read reports the reset) where
   * the kernel hands it out (Linux). Where accept fails for it instead (Windows:
   * WSAECONNRESET; ECONNABORTED), it is passed over and the next connection returned.
   */
  accept(): [TcpStream, InetAddress] | null {
    const accepted = native.socketAccept(this[kKey])
    if (accepted === null || accepted === undefined) return null
    return [make(TcpStream, accepted.key), inet(accepted.address)]
  }

  /** The address this socket is bound to. */
  localAddress(): InetAddress {
    return inet(native.socketLocalAddress(this[kKey]))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

/** A TCP connection (mio's `TcpStream`). */
export class TcpStream extends Socket {
  /**
   * Starts connecting, without waiting: register for `Interest.WRITABLE`; when it is writable,
   * `takeError()` (null: connected) or `peerAddress()` tells whether it worked.
   */
  static connect(options: InetAddressOptions): TcpStream {
    const { address, port } = validateInet(options, true)
    return make(TcpStream, native.socketTcpStreamConnect(address, port))
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): TcpStream {
    return fromHandle(TcpStream, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a TCP socket that does not listen (a connection, e.g. `Accept=yes` or one passed by another process); makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): TcpStream {
    return fromFd(TcpStream, fd)
  }

  /**
   * Windows: this process's socket for the text another process's `duplicateFor(pid)` made
   * for it (any channel carries it: argv, a pipe, a file). Text that is not such is `EINVAL`,
   * as is a socket of another kind. On Unix `ENOTSUP`: receive the fd with `recvWithFds` and
   * adopt it with `fromFd`.
   */
  static fromDuplicate(text: string): TcpStream {
    return fromDuplicate(TcpStream, text)
  }

  /**
   * Windows: lets process `pid` make its own socket for this one (`WSADuplicateSocketW`):
   * returns text to hand to that process, where `TcpStream.fromDuplicate(text)` makes the
   * socket. Both processes then hold the same socket, each closing its own. On Unix `ENOTSUP`:
   * send the fd over a `UnixStream` with `sendWithFds`.
   */
  duplicateFor(pid: number): string {
    return duplicateFor(this, pid)
  }

  /**
   * Reads into `buf` in place: bytes read, `0` at end of stream, `null` if it would block.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  read(buf: Uint8Array, offset?: number, length?: number): number | null {
    return readInto(this, buf, offset, length)
  }

  /**
   * Writes from `buf`: bytes written, `null` if it would block.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  write(buf: Uint8Array, offset?: number, length?: number): number | null {
    return writeFrom(this, buf, offset, length)
  }

  /** Like `read` without consuming the data (`MSG_PEEK`). */
  peek(buf: Uint8Array): number | null {
    validateBuffer(buf)
    return native.socketPeek(this[kKey], buf) ?? null
  }

  /** The address this socket is bound to. */
  localAddress(): InetAddress {
    return inet(native.socketLocalAddress(this[kKey]))
  }

  /** The address of the peer it is connected to (`ENOTCONN` when not connected). */
  peerAddress(): InetAddress {
    return inet(native.socketPeerAddress(this[kKey]))
  }

  /** Sets `TCP_NODELAY` (`true`: send small writes at once, no Nagle delay). */
  setNodelay(nodelay: boolean): void {
    validateBoolean(nodelay, 'nodelay')
    native.socketSetNodelay(this[kKey], nodelay)
  }

  /** Whether `TCP_NODELAY` is set. */
  nodelay(): boolean {
    return native.socketNodelay(this[kKey])
  }

  /** Shuts down the read side, the write side (the peer then reads end of stream) or both. */
  shutdown(how: ShutdownHow): void {
    native.socketShutdown(this[kKey], validateHow(how))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

// ---------------------------------------------------------------- UDP

/** A UDP socket (mio's `UdpSocket`). */
export class UdpSocket extends Socket {
  /** `UdpSocket.bind({ address: '127.0.0.1', port: 0 })`. */
  static override bind(options: InetAddressOptions): UdpSocket {
    const { address, port } = validateInet(options, false)
    return make(UdpSocket, native.socketUdpBind(address, port))
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): UdpSocket {
    return fromHandle(UdpSocket, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a UDP socket; makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): UdpSocket {
    return fromFd(UdpSocket, fd)
  }

  /**
   * Windows: this process's socket for the text another process's `duplicateFor(pid)` made
   * for it (any channel carries it: argv, a pipe, a file). Text that is not such is `EINVAL`,
   * as is a socket of another kind. On Unix `ENOTSUP`: receive the fd with `recvWithFds` and
   * adopt it with `fromFd`.
   */
  static fromDuplicate(text: string): UdpSocket {
    return fromDuplicate(UdpSocket, text)
  }

  /**
   * Windows: lets process `pid` make its own socket for this one (`WSADuplicateSocketW`):
   * returns text to hand to that process, where `UdpSocket.fromDuplicate(text)` makes the
   * socket. Both processes then hold the same socket, each closing its own. On Unix `ENOTSUP`:
   * send the fd over a `UnixStream` with `sendWithFds`.
   */
  duplicateFor(pid: number): string {
    return duplicateFor(this, pid)
  }

  /** Sends one datagram to `target`: bytes sent, `null` if it would block. */
  sendTo(buf: Uint8Array, target: InetAddressOptions): number | null {
    validateBuffer(buf)
    const { address, port } = validateInet(target, true, 'target')
    return native.socketSendToInet(this[kKey], buf, address, port) ?? null
  }

  /** Receives one datagram into `buf`: `{ bytes, address }`, or `null` if none is waiting. */
  recvFrom(buf: Uint8Array): Received<InetAddress> | null {
    validateBuffer(buf)
    const got = native.socketRecvFrom(this[kKey], buf)
    return got ? { bytes: got.bytes, address: inet(got.address) } : null
  }

  /** Sets the default peer (and filters what is received) for `send`/`recv`. */
  connect(target: InetAddressOptions): void {
    const { address, port } = validateInet(target, true, 'target')
    native.socketConnectDatagram(this[kKey], address, port)
  }

  /**
   * Sends to the connected peer: bytes, `null` if it would block.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  send(buf: Uint8Array, offset?: number, length?: number): number | null {
    return writeFrom(this, buf, offset, length)
  }

  /**
   * Receives from the connected peer: bytes, `null` if nothing is waiting.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  recv(buf: Uint8Array, offset?: number, length?: number): number | null {
    return readInto(this, buf, offset, length)
  }

  /** Like `recv`, but leaves the data queued: the byte count, or `null` when nothing is there. */
  peek(buf: Uint8Array): number | null {
    validateBuffer(buf)
    return native.socketPeek(this[kKey], buf) ?? null
  }

  /** The address this socket is bound to. */
  localAddress(): InetAddress {
    return inet(native.socketLocalAddress(this[kKey]))
  }

  /** The address of the peer it is connected to (`ENOTCONN` when not connected). */
  peerAddress(): InetAddress {
    return inet(native.socketPeerAddress(this[kKey]))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

// ---------------------------------------------------------------- Unix domain sockets

/** A listening Unix stream socket (mio's `UnixListener`). */
export class UnixListener extends Socket {
  /** Binds to a filesystem path (which must not exist) and listens (backlog 511 by default). */
  static override bind(path: string, options?: UnixListenOptions): UnixListener {
    validatePath(path)
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw invalidArgType('options', 'of type object', options)
    }
    const backlog = validateBacklog(options?.backlog, 'options.backlog')
    return make(UnixListener, native.socketUnixListenerBind(path, backlog))
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): UnixListener {
    return fromHandle(UnixListener, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a listening Unix stream socket; makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): UnixListener {
    return fromFd(UnixListener, fd)
  }

  /** `[stream, peerAddress]` of a pending connection (usually `{ path: null }`), or `null`. */
  accept(): [UnixStream, UnixAddress] | null {
    const accepted = native.socketAccept(this[kKey])
    if (accepted === null || accepted === undefined) return null
    return [make(UnixStream, accepted.key), unix(accepted.address)]
  }

  /** The address this socket is bound to. */
  localAddress(): UnixAddress {
    return unix(native.socketLocalAddress(this[kKey]))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

/** A Unix stream socket (mio's `UnixStream`). */
export class UnixStream extends Socket {
  /** Starts connecting to the listener at `path` (a non-blocking connect: register for `WRITABLE`; `takeError()` then says how it went). */
  static connect(path: string): UnixStream {
    validatePath(path)
    return make(UnixStream, native.socketUnixStreamConnect(path))
  }

  /** Two connected, unnamed streams. */
  static pair(): [UnixStream, UnixStream] {
    const [a, b] = native.socketUnixPair(true)
    return [make(UnixStream, a!), make(UnixStream, b!)]
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): UnixStream {
    return fromHandle(UnixStream, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a Unix stream socket that does not listen; makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): UnixStream {
    return fromFd(UnixStream, fd)
  }

  /**
   * Sends `buf[offset, offset + length)` with the descriptors `fds` (`SCM_RIGHTS`, crosvm's
   * `ScmSocket`): the byte count — the descriptors went with the first byte; send what is left
   * with `write` — or `null` when it would block (nothing was sent). `fds` are fd numbers or
   * wakepoll objects (SyncEvent, Timer on Linux, sockets, pipe ends); the peer gets copies, the
   * objects stay yours. At most `MAX_FDS_PER_MESSAGE` (253) of them, and at least one byte with
   * them: otherwise a RangeError before any system call.
   */
  sendWithFds(buf: Uint8Array, fds: readonly FdSource[], offset?: number, length?: number): number | null {
    return sendWithFds(this, buf, fds, offset, length, null, true)
  }

  /**
   * Receives into `buf[offset, offset + length)` and takes up to `maxFds` descriptors that came
   * with the bytes: `{ bytes, fds }` (`bytes` 0 at end of stream), or `null` when nothing is
   * queued. The fds are new, close-on-exec and yours (adopt with `<Class>.fromFd` or
   * `SyncEvent.fromFd`, or close them). More than `maxFds` came: every one that arrived is
   * closed and it throws `EMSGSIZE` — pass the most the peer may send (`maxFds` ≤ 253). A plain
   * `read` of bytes that carried descriptors drops them (the kernel closes them).
   */
  recvWithFds(buf: Uint8Array, maxFds: number, offset?: number, length?: number): ReceivedWithFds | null {
    return recvWithFds(this, buf, maxFds, offset, length)
  }

  /**
   * Reads into `buf` (in place): the byte count, `0` at end of stream, or `null` when it would block. Never throws for "would block".
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  read(buf: Uint8Array, offset?: number, length?: number): number | null {
    return readInto(this, buf, offset, length)
  }

  /**
   * Writes from `buf`: the byte count (maybe fewer than asked), or `null` when it would block.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  write(buf: Uint8Array, offset?: number, length?: number): number | null {
    return writeFrom(this, buf, offset, length)
  }

  /** The address this socket is bound to. */
  localAddress(): UnixAddress {
    return unix(native.socketLocalAddress(this[kKey]))
  }

  /** The address of the peer it is connected to (`ENOTCONN` when not connected). */
  peerAddress(): UnixAddress {
    return unix(native.socketPeerAddress(this[kKey]))
  }

  /** Shuts down the read side, the write side (the peer then reads end of stream) or both. */
  shutdown(how: ShutdownHow): void {
    native.socketShutdown(this[kKey], validateHow(how))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

/** A Unix datagram socket (mio's `UnixDatagram`). */
export class UnixDatagram extends Socket {
  static override bind(path: string): UnixDatagram {
    validatePath(path)
    return make(UnixDatagram, native.socketUnixDatagramBind(path))
  }

  /** A socket bound to no address (it can still `sendTo` and `connect`). */
  static unbound(): UnixDatagram {
    return make(UnixDatagram, native.socketUnixDatagramUnbound())
  }

  /** Two connected, unnamed datagram sockets. */
  static pair(): [UnixDatagram, UnixDatagram] {
    const [a, b] = native.socketUnixPair(false)
    return [make(UnixDatagram, a!), make(UnixDatagram, b!)]
  }

  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): UnixDatagram {
    return fromHandle(UnixDatagram, handle)
  }

  /**
   * Takes ownership of an open socket descriptor made elsewhere — inherited, passed by a
   * supervisor (see `listenFds`), received with `recvWithFds` — if it is a Unix datagram socket; makes it
   * non-blocking and close-on-exec. Checked first, and left open and untouched when the check
   * fails: a socket of another kind is `EINVAL` (the message names what it is), a descriptor
   * that is no socket `ENOTSOCK`, a closed one `EBADF`; a negative or fractional `fd` is a
   * RangeError, a non-number a TypeError. On success the descriptor is this object's: `close()`
   * closes it. On Windows `fd` is a SOCKET handle value.
   */
  static fromFd(fd: number): UnixDatagram {
    return fromFd(UnixDatagram, fd)
  }

  /**
   * Sends `buf[offset, offset + length)` as one datagram to the connected peer with the
   * descriptors `fds` (see `UnixStream#sendWithFds`; an empty datagram may carry them): the
   * byte count, or `null` when it would block.
   */
  sendWithFds(buf: Uint8Array, fds: readonly FdSource[], offset?: number, length?: number): number | null {
    return sendWithFds(this, buf, fds, offset, length, null, false)
  }

  /** `sendWithFds` to the socket file `path`: the byte count, or `null` when it would block. */
  sendToWithFds(buf: Uint8Array, path: string, fds: readonly FdSource[]): number | null {
    validatePath(path)
    return sendWithFds(this, buf, fds, undefined, undefined, path, false)
  }

  /**
   * Receives one datagram into `buf[offset, offset + length)` (the rest of a longer one is
   * dropped) and up to `maxFds` descriptors that came with it: `{ bytes, fds }`, or `null` when
   * none is queued (see `UnixStream#recvWithFds`: more than `maxFds` is `EMSGSIZE`, every one
   * closed).
   */
  recvWithFds(buf: Uint8Array, maxFds: number, offset?: number, length?: number): ReceivedWithFds | null {
    return recvWithFds(this, buf, maxFds, offset, length)
  }

  /** Sends `buf` as one datagram to `address`: the byte count, or `null` when it would block. */
  sendTo(buf: Uint8Array, path: string): number | null {
    validateBuffer(buf)
    validatePath(path)
    return native.socketSendToPath(this[kKey], buf, path) ?? null
  }

  /** Receives one datagram into `buf`: its size and sender, or `null` when none is queued. */
  recvFrom(buf: Uint8Array): Received<UnixAddress> | null {
    validateBuffer(buf)
    const got = native.socketRecvFrom(this[kKey], buf)
    return got ? { bytes: got.bytes, address: unix(got.address) } : null
  }

  /** Sets the datagram socket's peer: `send`/`recv` then talk to it alone. */
  connect(path: string): void {
    validatePath(path)
    native.socketConnectDatagram(this[kKey], path, 0)
  }

  /**
   * Sends `buf` to the connected peer: the byte count, or `null` when it would block.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  send(buf: Uint8Array, offset?: number, length?: number): number | null {
    return writeFrom(this, buf, offset, length)
  }

  /**
   * Receives one datagram from the connected peer into `buf`: the byte count, or `null` when none is queued.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  recv(buf: Uint8Array, offset?: number, length?: number): number | null {
    return readInto(this, buf, offset, length)
  }

  /** The address this socket is bound to. */
  localAddress(): UnixAddress {
    return unix(native.socketLocalAddress(this[kKey]))
  }

  /** The address of the peer it is connected to (`ENOTCONN` when not connected). */
  peerAddress(): UnixAddress {
    return unix(native.socketPeerAddress(this[kKey]))
  }

  /** Shuts down receiving, sending or both. */
  shutdown(how: ShutdownHow): void {
    native.socketShutdown(this[kKey], validateHow(how))
  }

  /** The pending socket error (`SO_ERROR`) as a Node-style system error, clearing it, or `null`: after a `WRITABLE` event of a connecting stream, `null` means connected. */
  takeError(): Error | null {
    return takeError(this)
  }
}

// ---------------------------------------------------------------- pipes

/** The write end of a `pipe()`. */
export class PipeSender extends Socket {
  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): PipeSender {
    return fromHandle(PipeSender, handle)
  }

  /**
   * Writes from `buf`: bytes written, `null` if the pipe is full. No reader left: `EPIPE`.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  write(buf: Uint8Array, offset?: number, length?: number): number | null {
    return writeFrom(this, buf, offset, length)
  }
}

/** The read end of a `pipe()`. */
export class PipeReceiver extends Socket {
  /** Takes the socket out of a `handle` read in any worker of this process (once: a second `fromHandle` is `ERR_CLOSED`; a forged handle or one of another class `ERR_INVALID_HANDLE`). */
  static fromHandle(handle: SocketHandle): PipeReceiver {
    return fromHandle(PipeReceiver, handle)
  }

  /**
   * Reads into `buf`: bytes, `0` once every sender is closed and it is empty, `null` if empty.
   * `offset` and `length` (default: all of `buf`) pick the range of `buf` to use, as
   * `fs.readSync` does — cheaper in a hot loop than a `subarray` view per call.
   */
  read(buf: Uint8Array, offset?: number, length?: number): number | null {
    return readInto(this, buf, offset, length)
  }
}

/** A new non-blocking, close-on-exec pipe: `[sender, receiver]` (mio's `pipe::new`). */
export function pipe(): [PipeSender, PipeReceiver] {
  const [tx, rx] = native.socketPipe()
  return [make(PipeSender, tx!), make(PipeReceiver, rx!)]
}
