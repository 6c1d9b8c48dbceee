// What the blocking native waits (poll, SyncEvent.wait, WaitContext.wait) return when Node
// stopped the thread under them (worker.terminate(), process.exit()): see src/thread_stop.rs.

/** The native waits' sentinel for "the thread is stopping". */
export const STOPPING = -1

/**
 * Ends the thread now. Detecting the stop took V8's termination request, so V8 would run a
 * little more of the thread's code before ending it; `process.exit()` in a worker stops it at
 * once, and no code after the wait ever sees a made-up result.
 */
export function exitStoppingThread(): never {
  process.exit()
}
