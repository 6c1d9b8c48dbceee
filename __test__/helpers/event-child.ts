// Child process of inter-process.test.ts: adopts the SyncEvent whose descriptor the parent
// passed as fd 3 (`spawn`'s stdio array) and, by mode:
//   signal      — signals it; prints "signalled"
//   wait        — prints "ready", blocks in wait() (10 s limit), prints 'signaled' | 'timeout'
//   wait-async  — the same through waitAsync()
//   poll        — a Poll watches it; prints "ready", then the tokens of one poll (10 s limit)
//   bad <fd>    — SyncEvent.fromFd(fd) on a descriptor that is not an event's: prints the code
//
//   node --import tsx __test__/helpers/event-child.ts <mode>

import { Events, Interest, Poll, SyncEvent } from '../../index.ts'

const say = (line: string): void => void process.stdout.write(`${line}\n`)
const [mode, arg] = process.argv.slice(2)
const LIMIT = 10_000

if (mode === 'bad') {
  try {
    SyncEvent.fromFd(Number(arg))
    say('adopted')
  } catch (err) {
    say(String((err as { code?: unknown }).code))
  }
} else {
  const event = SyncEvent.fromFd(3)
  if (mode === 'signal') {
    event.signal()
    say('signalled')
  } else if (mode === 'wait') {
    say('ready')
    say(event.waitTimeout(LIMIT))
  } else if (mode === 'wait-async') {
    say('ready')
    say(await event.waitAsync(LIMIT))
  } else if (mode === 'poll') {
    const poll = new Poll()
    poll.registry.register(event, 42, Interest.READABLE)
    const events = new Events(2)
    say('ready')
    const n = poll.poll(events, LIMIT)
    say(JSON.stringify(Array.from({ length: n }, (_, i) => events.token(i))))
    poll.close()
  }
  event.close()
}
