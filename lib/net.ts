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
import { invalidArgType, invalidArgValue } from './errors.js'
import { kSource, type SourceOps, type WakepollSource } from './source.js'
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
   * `[stream, peerAddress]` of a pending connection, or `null` when none is pending. A
   * connection the peer reset while it waited in the backlog is closed and skipped (its peer
   * address is gone: `getpeername` says ENOTCONN); it never throws for one.
   */
  accept(): [TcpStream, InetAddress] | null {
    for (;;) {
      const key = native.socketAccept(this[kKey])
      if (key === null || key === undefined) return null
      const stream = make(TcpStream, key)
      try {
        return [stream, stream.peerAddress()]
      } catch (err) {
        stream.close()
        if ((err as { code?: unknown }).code !== 'ENOTCONN') throw err
      }
    }
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

  /** `[stream, peerAddress]` of a pending connection (usually `{ path: null }`), or `null`. */
  accept(): [UnixStream, UnixAddress] | null {
    const key = native.socketAccept(this[kKey])
    if (key === null || key === undefined) return null
    const stream = make(UnixStream, key)
    return [stream, stream.peerAddress()]
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
