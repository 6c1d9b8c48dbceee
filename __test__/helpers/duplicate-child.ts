// The other node.exe of descriptors-windows.test.ts (Windows' socket duplication):
//   take listener|stream  reads the parent's duplicateFor text on stdin, makes its socket
//                         with fromDuplicate, serves one client on it (a listener: accepts
//                         one; a stream: the connection itself) — reads a message and answers
//                         `child <pid> read <message>` — prints "served" and exits
//   give <pid>            binds a TcpListener, prints `text <duplicateFor(pid)>` and
//                         `port <port>`, then on the line "close" from stdin closes its own copy,
//                         prints "closed" and exits
// Every wait is a Poll with a deadline.

import readline from 'node:readline'

import { Events, Interest, Poll, TcpListener, TcpStream } from '../../index.ts'

const HANG_MS = 10_000
const say = (line: string): void => void process.stdout.write(`${line}\n`)
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const nextLine = async (): Promise<string> => {
  const { value, done } = await lines.next()
  if (done) throw new Error('stdin ended')
  return value as string
}

function waitToken(poll: Poll, token: number): void {
  const events = new Events(4)
  const deadline = performance.now() + HANG_MS
  for (;;) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`token ${token}: nothing within ${HANG_MS} ms`)
    poll.poll(events, left)
    for (const event of events) if (event.token === token) return
  }
}

function answer(poll: Poll, stream: TcpStream): void {
  poll.registry.register(stream, 2, Interest.READABLE)
  const buf = Buffer.alloc(64)
  let n = stream.read(buf)
  while (n === null) {
    waitToken(poll, 2)
    n = stream.read(buf)
  }
  stream.write(Buffer.from(`child ${process.pid} read ${buf.toString('utf8', 0, n)}`))
  stream.close()
}

const [mode, arg] = process.argv.slice(2)
const poll = new Poll()
if (mode === 'take') {
  say('ready')
  const text = await nextLine()
  if (arg === 'listener') {
    const listener = TcpListener.fromDuplicate(text)
    poll.registry.register(listener, 1, Interest.READABLE)
    say(`listening ${listener.localAddress().port}`)
    let accepted = listener.accept()
    while (accepted === null) {
      waitToken(poll, 1)
      accepted = listener.accept()
    }
    answer(poll, accepted[0])
    listener.close()
  } else {
    answer(poll, TcpStream.fromDuplicate(text))
  }
  say('served')
} else if (mode === 'give') {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  say(`text ${listener.duplicateFor(Number(arg))}`)
  say(`port ${listener.localAddress().port}`)
  if ((await nextLine()) !== 'close') throw new Error('expected "close"')
  listener.close()
  say('closed')
} else {
  throw new Error(`unknown mode ${mode}`)
}
poll.close()
process.stdin.destroy()
