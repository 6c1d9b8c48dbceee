// Child process of inter-process-windows.test.ts: adopts two SyncEvents whose handle values
// the parent passed in argv (`event.fd`: the handles are inheritable, and `spawn` lets the
// child inherit them at the same values), then, by mode:
//   poll          — a Poll watches `toChild`; prints "ready"; then `rounds` times: prints the
//                   tokens of one poll (10 s limit), consumes the signal with waitTimeout(0)
//                   (prints the result) and signals `toParent`
//   wait-context  — the same with a WaitContext, consuming with reset()
//
//   node --import tsx __test__/helpers/handle-child.ts <mode> <toChild> <toParent> <rounds>

import { Events, Interest, Poll, SyncEvent, WaitContext } from '../../index.ts'

const say = (line: string): void => void process.stdout.write(`${line}\n`)
const [mode, toChildFd, toParentFd, roundsArg] = process.argv.slice(2)
const LIMIT = 10_000
const rounds = Number(roundsArg)

const toChild = SyncEvent.fromFd(Number(toChildFd))
const toParent = SyncEvent.fromFd(Number(toParentFd))
if (mode === 'poll') {
  const poll = new Poll()
  poll.registry.register(toChild, 42, Interest.READABLE)
  const events = new Events(2)
  say('ready')
  for (let round = 0; round < rounds; round++) {
    const n = poll.poll(events, LIMIT)
    say(JSON.stringify(Array.from({ length: n }, (_, i) => events.token(i))))
    say(toChild.waitTimeout(0))
    toParent.signal()
  }
  poll.close()
} else if (mode === 'wait-context') {
  const context = new WaitContext()
  context.add(toChild, 8)
  say('ready')
  for (let round = 0; round < rounds; round++) {
    say(JSON.stringify(context.waitTimeout(LIMIT)))
    toChild.reset()
    say('reset')
    toParent.signal()
  }
  context.close()
} else {
  say(`unknown mode ${mode}`)
}
toChild.close()
toParent.close()
