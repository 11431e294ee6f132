/** The median of `values` (NaN when there are none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** How a figure spread over several runs of a benchmark. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    min: values.length > 0 ? Math.min(...values) : Number.NaN,
    median: median(values),
    max: values.length > 0 ? Math.max(...values) : Number.NaN,
  };
}

export const formatSpread = (s: Spread): string =>
  `min ${s.min.toFixed(2)}, median ${s.median.toFixed(2)}, max ${s.max.toFixed(2)}`;
