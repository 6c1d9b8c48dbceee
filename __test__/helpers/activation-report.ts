// What helpers/activated-server.ts prints (one JSON line) and listen-fds.test.ts reads: shared
// so that the two cannot drift apart.

/** The variables of systemd's socket activation protocol that listenFds() reads and unsets. */
export const VARIABLES = ['LISTEN_PID', 'LISTEN_PIDFDID', 'LISTEN_FDS', 'LISTEN_FDNAMES']

/** How long either side waits for the other before it fails instead of hanging. */
export const HANG_MS = 20_000

export interface Report {
  pid: number
  /** What listenFds() returned: each name, fd and class name (null: a socket it left alone). */
  found: Array<{ name: string; fd: number; kind: string | null }>
  /** The variables still in process.env (of the thread that called listenFds()). */
  left: string[]
  /** worker mode: the variables left in the main thread's process.env. */
  mainLeft?: string[]
  /** report mode: which of the descriptors from 3 are still open. */
  open?: number[]
  /** listenFds()'s error code, where it threw. */
  error?: string
}
