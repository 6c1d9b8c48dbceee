// Child of process.mjs: a pending pollAsync is all that keeps the process alive (the timer
// that wakes it is unref'd); once it resolved and the Poll closed, the process must exit by
// itself.
import { Events, Poll, Waker } from 'wakepoll'

const poll = new Poll()
const waker = new Waker(poll.registry, 1)
setTimeout(() => waker.wake(), 300).unref()
const n = await poll.pollAsync(new Events(2))
// Plain text: console.log formats a number, which Deno colours when FORCE_COLOR is set at all
// (CI sets FORCE_COLOR=0).
process.stdout.write(`resolved ${n}\n`)
poll.close()
