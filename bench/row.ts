// What a benchmark row reports: its series (one per thing measured), and its ratios against the
// peers, each with the target and whether this run met it.

import type { Summary } from './stats.ts'

export interface Series {
  label: string
  unit: 'µs' | 'ns/event' | 'msgs/s' | 'req/s' | 'ms' | 'MiB' | 'KiB'
  summary: Summary
}

export interface Ratio {
  /** e.g. "wakepoll / Atomics.wait" */
  label: string
  value: number
  /** e.g. "≤ 1.00" */
  target: string
  met: boolean
}

export interface RowResult {
  id: string
  title: string
  series: Series[]
  ratios: Ratio[]
  notes: string[]
}

export interface RowOptions {
  quick: boolean
  /** Progress lines go here (stderr), the table to stdout at the end. */
  log: (line: string) => void
}

export function atMost(label: string, value: number, limit: number): Ratio {
  return { label, value, target: `≤ ${limit.toFixed(2)}`, met: value <= limit }
}

export function atLeast(label: string, value: number, limit: number): Ratio {
  return { label, value, target: `≥ ${limit.toFixed(2)}`, met: value >= limit }
}
