// The worker side of workers.test.ts (and of the exit check in exit-child.mjs).
//
// Started through scripts/ts-worker.mjs with `workerData = { entry, scenario, ...data }`; runs
// the named scenario synchronously. A scenario that fails while the main thread may be blocked
// in `poll` first wakes the main thread's "rescue" Waker, so that a bug makes the test fail
// instead of hanging it; the error then reaches the main thread as the worker's 'error' event.

import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

import {
  Events,
  Interest,
  Poll,
  Registry,
  TcpStream,
  Waker,
  type RegistryHandle,
  type SocketHandle,
  type WakerHandle,
} from '../../index.ts'
import { Signals, currentTid, isSignalPending, waitUntil, waitUntilInEpollWait } from './threads.js'

/** The data each scenario receives (besides `entry` and `scenario`). */
export interface ScenarioData {
  /** Wakes the main thread's poll with `waker`, once main says it blocks in poll. */
  'wake-main-while-it-polls': { waker: WakerHandle; rescue: WakerHandle; signals: SharedArrayBuffer; mainTid: number }
  /**
   * Registers `fd` through a Registry handle once main blocks in poll, then writes to it (on
   * Windows, where `fd` is a socket, through `writer`: the other end of the FIFO stand-in).
   */
  'register-while-main-polls': {
    registry: RegistryHandle
    fd: number
    writer: SocketHandle | undefined
    token: number
    rescue: WakerHandle
    signals: SharedArrayBuffer
    mainTid: number
  }
  /**
   * Makes its own Poll and a Waker with `token`, posts `{ handle, tid }`, blocks in
   * `poll(events, timeout)`, then posts `{ tokens, readable }`.
   */
  'poll-until-woken': { token: number; timeout: number | null }
  /** The worker half of a ping-pong of `rounds` round trips (see workers.test.ts). */
  'ping-pong': { mainWaker: WakerHandle; token: number; rounds: number; timeout: number; signals: SharedArrayBuffer }
  /** Uses a Registry and a Waker of a Poll that main closes meanwhile; posts the error codes. */
  'use-after-poll-closed': { registry: RegistryHandle; waker: WakerHandle; fd: number; signals: SharedArrayBuffer }
  /** Wakes through its own object for `waker`, posts 'woke', and exits (its object goes). */
  'wake-and-exit': { waker: WakerHandle }
  /** Creates a Waker on `registry`, posts its handle, and exits without closing it. */
  'create-waker-and-exit': { registry: RegistryHandle; token: number }
  /**
   * Once main blocks in poll, sends the process `signal` (which the kernel gives to the main
   * thread, blocked in epoll_wait), waits until it was taken and main is back in epoll_wait,
   * then wakes `waker` if one is given.
   */
  'signal-main-while-it-polls': {
    signal: NodeJS.Signals
    signo: number
    waker: WakerHandle | null
    rescue: WakerHandle
    signals: SharedArrayBuffer
    mainTid: number
  }
  /** Closes `waker` through its own object, posts 'closed', and exits. */
  'close-waker': { waker: WakerHandle }
  /**
   * Makes a Poll (and a Waker on it if `waker`), posts 'ready', and stays alive without
   * closing them, until terminated.
   */
  'hold-poll': { waker: boolean }
  /**
   * Once main sets MAIN_POLLING (its wait is pending), wakes `wakers[0]`, `wakers[1]`, … in
   * turn: wake r+1 only after main acknowledged batch r by setting MAIN_ROUNDS to r. Sets
   * WORKER_ROUNDS to r just before wake r; posts 'done'. STOP ends it early.
   */
  'wake-in-rounds': { wakers: WakerHandle[]; signals: SharedArrayBuffer }
  /**
   * The worker half of the load test: makes its own Poll and an ack Waker (token `ackToken`),
   * posts `{ handle }`, waits for MAIN_POLLING (go), then `rounds` times: wakes `mainWaker` and
   * waits (poll with `timeout`) for main's ack. Posts a `RoundTripResult`. STOP ends it early.
   */
  'wake-ack-rounds': {
    mainWaker: WakerHandle
    ackToken: number
    rounds: number
    timeout: number
    signals: SharedArrayBuffer
  }
  /**
   * Reads fd 0 (the process's stdin) until a newline, then wakes `waker`. For the keep-alive
   * child of poll-async.test.ts: the parent decides when the wake happens.
   */
  'wake-on-stdin-line': { waker: WakerHandle }
  /**
   * Makes its own Poll and a Waker with `token` and starts `pollAsync(events, null)`, with
   * nothing else keeping the worker alive; posts `{ handle }` from an unref'd timer (so only if
   * the pending wait keeps the worker's loop alive), then, once the wait ends, a
   * `PollAsyncMessage`, and ends.
   */
  'poll-async-until-woken': { token: number }
}

export type ScenarioName = keyof ScenarioData

/** What `poll-until-woken` posts after its poll returned. */
export interface PolledMessage {
  tokens: number[]
  readable: boolean[]
}

/** What `ping-pong` posts at the end. */
export interface PingPongResult {
  failures: string[]
  /** Events found by a final non-blocking poll: must be 0. */
  extra: number
}

/** What `poll-async-until-woken` posts once its wait ended. */
export interface PollAsyncMessage {
  count?: number
  tokens?: number[]
  /** The `code` of the rejection, if the wait rejected. */
  error?: string
}

/** What `wake-ack-rounds` posts at the end. */
export interface RoundTripResult {
  failures: string[]
  /** Acks received: one per completed round trip. */
  acks: number
  /** Events found by a final non-blocking poll: must be 0. */
  extra: number
}

/** Error codes (or 'ok') that `use-after-poll-closed` observed. */
export type UseAfterCloseResult = Record<string, string | boolean>

function post(message: unknown): void {
  parentPort!.postMessage(message)
}

/** Runs `body`; if it throws, wakes the main thread's rescue Waker first, then rethrows. */
function guarded(rescue: WakerHandle, body: () => void): void {
  try {
    body()
  } catch (err) {
    try {
      Waker.fromHandle(rescue).wake()
    } catch {
      // Nothing more can be done from here; ava's timeout will report the hang.
    }
    throw err
  }
}

function codeOf(action: () => unknown): string {
  try {
    action()
    return 'ok'
  } catch (err) {
    return String((err as { code?: unknown }).code)
  }
}

const scenarios: { [K in ScenarioName]: (data: ScenarioData[K]) => void } = {
  'wake-main-while-it-polls'(data) {
    guarded(data.rescue, () => {
      const signals = new Signals(data.signals)
      const waker = Waker.fromHandle(data.waker)
      post('ready')
      signals.waitWhile('MAIN_POLLING', 0)
      signals.set('CONFIRMED', waitUntilInEpollWait(data.mainTid) ? 1 : 2)
      waker.wake()
    })
  },

  'register-while-main-polls'(data) {
    guarded(data.rescue, () => {
      const signals = new Signals(data.signals)
      const registry = Registry.fromHandle(data.registry)
      post('ready')
      signals.waitWhile('MAIN_POLLING', 0)
      signals.set('CONFIRMED', waitUntilInEpollWait(data.mainTid) ? 1 : 2)
      registry.register(data.fd, data.token, Interest.READABLE)
      // Readiness that starts after the registration: only a live registration reports it.
      if (data.writer === undefined) fs.writeSync(data.fd, 'x')
      else TcpStream.fromHandle(data.writer).write(Buffer.from('x'))
    })
  },

  'poll-until-woken'(data) {
    const poll = new Poll()
    const waker = new Waker(poll.registry, data.token)
    const events = new Events(4)
    post({ handle: waker.handle, tid: currentTid() })
    poll.poll(events, data.timeout)
    const message: PolledMessage = {
      tokens: [...events].map((e) => e.token),
      readable: [...events].map((e) => e.isReadable()),
    }
    post(message)
    poll.close()
  },

  'ping-pong'(data) {
    const signals = new Signals(data.signals)
    const poll = new Poll()
    const own = new Waker(poll.registry, data.token)
    const main = Waker.fromHandle(data.mainWaker)
    const events = new Events(4)
    const failures: string[] = []
    post({ handle: own.handle })
    for (let round = 1; round <= data.rounds; round++) {
      const n = poll.poll(events, data.timeout)
      if (signals.get('STOP') !== 0) break
      if (n === 0) {
        failures.push(`round ${round}: no wake within ${data.timeout} ms`)
        break
      }
      if (n !== 1 || events.token(0) !== data.token) {
        failures.push(`round ${round}: got tokens [${[...events].map((e) => e.token).join(', ')}]`)
      }
      const mainRound = signals.get('MAIN_ROUNDS')
      if (mainRound !== round) failures.push(`round ${round}: main was at round ${mainRound}`)
      signals.set('WORKER_ROUNDS', round)
      main.wake()
    }
    const result: PingPongResult = { failures, extra: poll.poll(events, 0) }
    post(result)
    poll.close()
  },

  'use-after-poll-closed'(data) {
    const signals = new Signals(data.signals)
    const registry = Registry.fromHandle(data.registry)
    const waker = Waker.fromHandle(data.waker)
    post('ready')
    signals.waitWhile('POLL_CLOSED', 0)
    const result: UseAfterCloseResult = {
      register: codeOf(() => registry.register(data.fd, 1, Interest.READABLE)),
      reregister: codeOf(() => registry.reregister(data.fd, 1, Interest.READABLE)),
      deregister: codeOf(() => registry.deregister(data.fd)),
      registryHandle: codeOf(() => registry.handle),
      registryFromHandle: codeOf(() => Registry.fromHandle(data.registry)),
      newWaker: codeOf(() => new Waker(registry, 2)),
      wake: codeOf(() => waker.wake()),
      wakerFromHandle: codeOf(() => Waker.fromHandle(data.waker)),
      wakerClosed: waker.closed,
    }
    post(result)
  },

  'wake-and-exit'(data) {
    Waker.fromHandle(data.waker).wake()
    post('woke')
  },

  'create-waker-and-exit'(data) {
    const waker = new Waker(Registry.fromHandle(data.registry), data.token)
    post({ handle: waker.handle })
  },

  'signal-main-while-it-polls'(data) {
    guarded(data.rescue, () => {
      const signals = new Signals(data.signals)
      const waker = data.waker === null ? null : Waker.fromHandle(data.waker)
      post('ready')
      signals.waitWhile('MAIN_POLLING', 0)
      let confirmed = waitUntilInEpollWait(data.mainTid)
      process.kill(process.pid, data.signal)
      confirmed = waitUntil(() => !isSignalPending(data.signo)) && confirmed
      confirmed = waitUntilInEpollWait(data.mainTid) && confirmed
      signals.set('CONFIRMED', confirmed ? 1 : 2)
      waker?.wake()
    })
  },

  'close-waker'(data) {
    Waker.fromHandle(data.waker).close()
    post('closed')
  },

  'hold-poll'(data) {
    const poll = new Poll()
    const waker = data.waker ? new Waker(poll.registry, 1) : null
    post('ready')
    // A listener on the port keeps the worker alive; it also keeps the objects referenced.
    parentPort!.on('message', () => void [poll, waker])
  },

  'wake-in-rounds'(data) {
    const signals = new Signals(data.signals)
    const wakers = data.wakers.map((handle) => Waker.fromHandle(handle))
    signals.waitWhile('MAIN_POLLING', 0)
    for (let round = 1; round <= wakers.length; round++) {
      for (let acked = signals.get('MAIN_ROUNDS'); acked < round - 1; acked = signals.get('MAIN_ROUNDS')) {
        signals.waitWhile('MAIN_ROUNDS', acked)
      }
      if (signals.get('STOP') !== 0) break
      signals.set('WORKER_ROUNDS', round)
      wakers[round - 1]!.wake()
    }
    post('done')
  },

  'wake-ack-rounds'(data) {
    const signals = new Signals(data.signals)
    const poll = new Poll()
    const ack = new Waker(poll.registry, data.ackToken)
    const main = Waker.fromHandle(data.mainWaker)
    const events = new Events(4)
    const failures: string[] = []
    let acks = 0
    post({ handle: ack.handle })
    signals.waitWhile('MAIN_POLLING', 0)
    for (let round = 1; round <= data.rounds; round++) {
      if (signals.get('STOP') !== 0) break
      main.wake()
      const n = poll.poll(events, data.timeout)
      if (signals.get('STOP') !== 0) break
      if (n === 0) {
        failures.push(`round ${round}: no ack within ${data.timeout} ms (lost wake or lost ack)`)
        break
      }
      if (n !== 1 || events.token(0) !== data.ackToken) {
        failures.push(`round ${round}: got tokens [${[...events].map((e) => e.token).join(', ')}]`)
      }
      acks++
    }
    const result: RoundTripResult = { failures, acks, extra: poll.poll(events, 0) }
    post(result)
    poll.close()
  },

  'poll-async-until-woken'(data) {
    const poll = new Poll()
    const waker = new Waker(poll.registry, data.token)
    const events = new Events(4)
    poll.pollAsync(events, null).then(
      (count) => {
        const message: PollAsyncMessage = { count, tokens: [...events].map((e) => e.token) }
        post(message)
        poll.close()
      },
      (err: unknown) => {
        const message: PollAsyncMessage = { error: String((err as { code?: unknown }).code) }
        post(message)
        poll.close()
      },
    )
    setTimeout(() => post({ handle: waker.handle }), 1).unref()
  },

  'wake-on-stdin-line'(data) {
    const waker = Waker.fromHandle(data.waker)
    const buf = Buffer.alloc(256)
    const pause = new Int32Array(new SharedArrayBuffer(4))
    let text = ''
    while (!text.includes('\n')) {
      let n: number
      try {
        n = fs.readSync(0, buf, 0, buf.length, null)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
        Atomics.wait(pause, 0, 0, 1) // stdin is non-blocking: check again shortly
        continue
      }
      if (n === 0) throw new Error(`stdin ended before a line arrived (got ${JSON.stringify(text)})`)
      text += buf.toString('utf8', 0, n)
    }
    waker.wake()
  },
}

const { scenario, ...data } = workerData as { scenario: ScenarioName } & Record<string, unknown>
const run = scenarios[scenario] as ((data: unknown) => void) | undefined
if (run === undefined) throw new Error(`unknown worker scenario ${JSON.stringify(scenario)}`)
run(data)
