// Quantiles of a handful of recorded durations (at most a book entry's samples), by linear
// interpolation between the sorted values, as numpy's default does.

export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/**
 * Adds independent durations' spreads: medians add; the distances from median to 90th
 * percentile add in quadrature (as standard deviations of independent parts do). Summing the
 * 90th percentiles themselves would claim every task is slow at once.
 */
export function addSpreads(parts: readonly { p50: number; p90: number }[]): { p50: number; p90: number } {
  const p50 = parts.reduce((sum, p) => sum + p.p50, 0);
  const widths = parts.reduce((sum, p) => sum + (p.p90 - p.p50) ** 2, 0);
  return { p50, p90: p50 + Math.sqrt(widths) };
}
