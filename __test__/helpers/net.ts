// Helpers of the socket tests: a connected TCP pair and waiting for a token's event.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { ExecutionContext } from 'ava'

import { Events, Interest, Poll, TcpListener, TcpStream, type Event, type UnixStream } from '../../index.ts'

/**
 * Polls until an event for `token` satisfies `pred` (default: any event for it) and returns
 * it; fails the test after `ms` ms. Waiting is done by the Poll itself, never by sleeping.
 */
export function waitFor(
  poll: Poll,
  token: number,
  pred: (event: Event) => boolean = () => true,
  ms = 5000,
): Event {
  const events = new Events(64)
  const deadline = performance.now() + ms
  for (;;) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`no matching event for token ${token} within ${ms} ms`)
    poll.poll(events, left)
    for (const event of events) if (event.token === token && pred(event)) return event
  }
}

/** The tokens of one poll with `timeout` ms (for "no event" checks). */
export function tokensWithin(poll: Poll, timeout: number): number[] {
  const events = new Events(64)
  poll.poll(events, timeout)
  return [...events].map((e) => e.token)
}

/** A listener, a client connected to it and the accepted server side, closed at the end. */
export function tcpPair(t: ExecutionContext, poll: Poll): { listener: TcpListener; client: TcpStream; server: TcpStream } {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  poll.registry.register(listener, 9000, Interest.READABLE)
  const client = TcpStream.connect({ address: '127.0.0.1', port: listener.localAddress().port })
  t.teardown(() => client.close())
  let accepted = listener.accept()
  if (accepted === null) {
    waitFor(poll, 9000)
    accepted = listener.accept()
  }
  if (accepted === null) throw new Error('accept() returned null after a readable event')
  const server = accepted[0]
  t.teardown(() => server.close())
  poll.registry.deregister(listener)
  return { listener, client, server }
}

/** A fresh temporary directory (removed at the end) for unix socket paths. */
export function tempDir(t: ExecutionContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wakepoll-net-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Reads until `null` (would block) or end of stream; returns what was read. */
export function drain(read: (buf: Uint8Array) => number | null): { data: Buffer; eof: boolean } {
  const chunks: Buffer[] = []
  const buf = Buffer.alloc(64 * 1024)
  for (;;) {
    const n = read(buf)
    if (n === null) return { data: Buffer.concat(chunks), eof: false }
    if (n === 0) return { data: Buffer.concat(chunks), eof: true }
    chunks.push(Buffer.from(buf.subarray(0, n)))
  }
}

/**
 * Writes `message` on `stream` and reads until the other side closes; returns what came back.
 * The stream is registered with `poll` under `token` for the exchange and deregistered after;
 * closing it stays the caller's. Fails after `ms` ms of waiting for an event.
 */
export function askUntilClosed(poll: Poll, stream: TcpStream | UnixStream, token: number, message: string, ms: number): string {
  poll.registry.register(stream, token, Interest.READABLE | Interest.WRITABLE)
  waitFor(poll, token, (e) => e.isWritable(), ms)
  stream.write(Buffer.from(message))
  const buf = Buffer.alloc(256)
  let reply = ''
  for (;;) {
    const n = stream.read(buf)
    if (n === 0) break
    if (n === null) waitFor(poll, token, (e) => e.isReadable() || e.isReadClosed(), ms)
    else reply += buf.toString('utf8', 0, n)
  }
  poll.registry.deregister(stream)
  return reply
}
