// Child process for the keep-alive checks of atomic-waker.test.ts (contract section 5: "A
// pending registration keeps the event loop alive; a settled one does not"; the issue: "nothing
// else does").
//
//   node --import tsx __test__/helpers/sync-child.ts <mode>
//
// Prints one line per step on stdout; the parent reads them. Modes:
//
// * atomic-pending — registers on an AtomicWaker and starts nothing else that keeps the event
//   loop alive: the worker that will wake it is unref'd and waits for a line on stdin (written
//   by the parent). "pending" is printed from an unref'd timer, which only runs if something
//   keeps the loop alive; 'beforeExit' while the registration is pending means that nothing
//   did. When the parent writes a line the worker wakes: "resolved", then the process must end
//   by itself (exit code 0).
// * idle — makes AtomicWakers (also from a handle), SyncEvents (a clone, one from a handle, a
//   signalled one) and a WaitContext holding some, leaves them all open, prints "done" and
//   ends its script: the process must exit by itself.
// * settled — registrations that ended every way (woken, replaced, taken, closed) and SyncEvent
//   waits that ended (signalled, timed out, aborted, EBUSY); prints "done" and ends: the process
//   must exit by itself.

import { Worker } from 'node:worker_threads'

import { AtomicWaker, SyncEvent, WaitContext } from '../../index.ts'

const say = (line: string): void => void process.stdout.write(`${line}\n`)
const mode = process.argv[2]
const codeOfRejection = (err: unknown): string => String((err as { code?: unknown }).code)

process.on('beforeExit', () => say('beforeExit'))

if (mode === 'atomic-pending') {
  const waker = new AtomicWaker()
  let pending = true
  process.on('beforeExit', () => {
    if (pending) say('beforeExit while pending')
  })
  const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: {
      entry: new URL('./sync-scenarios.ts', import.meta.url).href,
      scenario: 'aw-wake-on-stdin-line',
      waker: waker.handle,
    },
  })
  worker.on('error', (err) => say(`worker error ${String(err)}`))
  worker.unref()
  waker.register().then(
    () => {
      pending = false
      say('resolved')
    },
    (err: unknown) => {
      pending = false
      say(`rejected ${codeOfRejection(err)}`)
    },
  )
  setTimeout(() => say('pending'), 1).unref()
} else if (mode === 'idle') {
  const waker = new AtomicWaker()
  const copy = AtomicWaker.fromHandle(waker.handle)
  copy.wake() // nothing registered: does nothing
  const event = new SyncEvent()
  const clone = event.tryClone()
  const fromHandle = SyncEvent.fromHandle(event.handle)
  fromHandle.signal()
  const other = new SyncEvent()
  const context = new WaitContext()
  context.add(clone, 1)
  context.add(other, 2)
  say(`waited ${JSON.stringify(context.waitTimeout(0))} ${event.waitTimeout(0)}`)
  other.signal() // left signalled
  void [waker, copy, event, clone, fromHandle, other, context]
  say('done')
} else if (mode === 'settled') {
  const waker = new AtomicWaker()
  const woken = waker.register()
  waker.wake()
  await woken
  const replaced = waker.register()
  const taken = waker.register()
  await replaced
  say(`taken ${waker.take()}`)
  await taken
  const closedWaker = new AtomicWaker()
  const rejected = closedWaker.register()
  closedWaker.close()
  say(`woken, replaced, taken; closed ${await rejected.then(() => 'resolved', codeOfRejection)}`)

  const event = new SyncEvent()
  event.signal()
  say(`signalled ${await event.waitAsync(null)}`)
  say(`timed out ${await event.waitAsync(1)}`)
  const controller = new AbortController()
  const aborted = event.waitAsync(null, { signal: controller.signal })
  const busy = await event.waitAsync(null).then(String, codeOfRejection)
  controller.abort()
  say(`busy ${busy}, aborted ${await aborted.then(String, (err: { name?: unknown }) => String(err.name))}`)
  say('done')
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`)
}
