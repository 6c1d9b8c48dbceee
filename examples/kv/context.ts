// What a command runs against: the store of this shard, the connection's session, the server's
// shared facts and counters, and the reply writer. The same for the wakepoll server, the
// node:net server and a command forwarded from another worker.

import type { ReplyWriter } from './reply.ts'
import type { Store } from './store.ts'

/** Per connection: what CLIENT and HELLO set. */
export interface Session {
  /** CLIENT ID: unique in the process; `id % workers` is the worker that owns the connection. */
  id: number
  name: string | null
  libName: string | null
  libVer: string | null
  /** QUIT ran: close once the replies before it and its +OK are out. */
  closeAfterReply: boolean
}

/** Per worker, in a SharedArrayBuffer: what INFO sums over the workers. */
export const STAT = {
  connectedClients: 0,
  totalConnections: 1,
  commandsProcessed: 2,
  maxOutputBuffer: 3,
  keys: 4,
  expires: 5,
} as const
export const STATS_PER_WORKER = 6

export interface ServerState {
  version: string
  port: number
  workers: number
  /** This worker's index (0 … workers − 1). */
  worker: number
  startedAt: number
  /** STATS_PER_WORKER numbers per worker (plain stores by the owner; readers may see them late). */
  stats: Float64Array
  /** I/O front end, for INFO: "wakepoll" or "node:net". */
  io: string
}

export interface Ctx {
  store: Store
  session: Session
  server: ServerState
  out: ReplyWriter
}

export function newSession(id: number): Session {
  return { id, name: null, libName: null, libVer: null, closeAfterReply: false }
}

export function newServerState(io: string, port: number, workers: number, worker: number, stats?: Float64Array): ServerState {
  return {
    version: '7.2.0',
    port,
    workers,
    worker,
    startedAt: Date.now(),
    stats: stats ?? new Float64Array(new SharedArrayBuffer(8 * STATS_PER_WORKER * workers)),
    io,
  }
}

/** Sum of one counter over every worker. */
export function statTotal(server: ServerState, which: number): number {
  let total = 0
  for (let w = 0; w < server.workers; w++) total += server.stats[w * STATS_PER_WORKER + which]!
  return total
}
