// Sockets and pipes, driven by a Poll's readiness.
import assert from 'node:assert/strict'
import { Events, Interest, Poll, TcpListener, TcpStream, UdpSocket, UnixStream, pipe } from 'wakepoll'
import { test } from './harness.mjs'

/** Polls until an event for `token` arrives (a bounded number of rounds, each up to 1 s). */
function waitFor(poll, events, token) {
  for (let round = 0; round < 20; round++) {
    poll.poll(events, 1000)
    for (let i = 0; i < events.length; i++) if (events.token(i) === token) return i
  }
  throw new Error(`no event for token ${token}`)
}

test('TCP on 127.0.0.1: accept, write, read through readiness events', (own) => {
  const poll = own(new Poll())
  const events = new Events(8)
  const listener = own(TcpListener.bind({ address: '127.0.0.1', port: 0 }))
  poll.registry.register(listener, 1, Interest.READABLE)
  const client = own(TcpStream.connect(listener.localAddress()))
  poll.registry.register(client, 2, Interest.READABLE | Interest.WRITABLE)
  waitFor(poll, events, 1)
  const accepted = listener.accept()
  assert.ok(accepted, 'a connection to accept')
  const server = own(accepted[0])
  poll.registry.register(server, 3, Interest.READABLE)
  assert.equal(client.write(new TextEncoder().encode('hello')), 5)
  waitFor(poll, events, 3)
  const buf = new Uint8Array(16)
  assert.equal(server.read(buf), 5)
  assert.equal(new TextDecoder().decode(buf.subarray(0, 5)), 'hello')
  assert.equal(server.read(buf), null, 'would block once drained')
})

test('UDP on 127.0.0.1: sendTo, then recvFrom once readable', (own) => {
  const poll = own(new Poll())
  const events = new Events(4)
  const a = own(UdpSocket.bind({ address: '127.0.0.1', port: 0 }))
  const b = own(UdpSocket.bind({ address: '127.0.0.1', port: 0 }))
  poll.registry.register(b, 1, Interest.READABLE)
  assert.equal(a.sendTo(new Uint8Array([1, 2, 3]), b.localAddress()), 3)
  waitFor(poll, events, 1)
  const got = b.recvFrom(new Uint8Array(8))
  assert.ok(got)
  assert.equal(got.bytes, 3)
  assert.equal(got.address.port, a.localAddress().port)
})

test('pipe() and UnixStream.pair(): readable after a write', (own) => {
  const poll = own(new Poll())
  const events = new Events(4)
  const [sender, receiver] = pipe()
  own(sender)
  own(receiver)
  poll.registry.register(receiver, 1, Interest.READABLE)
  assert.equal(sender.write(new Uint8Array([9])), 1)
  waitFor(poll, events, 1)
  assert.equal(receiver.read(new Uint8Array(4)), 1)
  const [x, y] = UnixStream.pair()
  own(x)
  own(y)
  poll.registry.register(y, 2, Interest.READABLE)
  assert.equal(x.write(new Uint8Array([1, 2])), 2)
  waitFor(poll, events, 2)
  assert.equal(y.read(new Uint8Array(4)), 2)
})
