// Statistics of the benchmarks: every figure the bench reports comes from here.
//
// Samples are collected in batches that alternate between the things compared (A B A B …), so
// that both see the same machine; a ratio is the median of the per-batch-pair ratios of
// medians, never the ratio of two long runs measured at different times.

export interface Summary {
  median: number
  p99: number
  n: number
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function sortedCopy(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples as ArrayLike<number>).sort()
}

export function summarize(batches: readonly ArrayLike<number>[]): Summary {
  const all = sortedCopy(batches.flatMap((b) => Array.from(b)))
  return { median: quantile(all, 0.5), p99: quantile(all, 0.99), n: all.length }
}

export function median(values: ArrayLike<number>): number {
  return quantile(sortedCopy(values), 0.5)
}

/**
 * The ratio of `a` to `b`: the median over batch pairs of median(a[i]) / median(b[i]).
 * Batch i of `a` and batch i of `b` ran next to each other.
 */
export function pairedRatio(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  const pairs = Math.min(a.length, b.length)
  const ratios: number[] = []
  for (let i = 0; i < pairs; i++) ratios.push(median(a[i]!) / median(b[i]!))
  return median(ratios)
}
