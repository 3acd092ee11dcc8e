/** Nearest-rank percentile (p in 0..100) of a list; undefined for an empty list. */
export const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
};

export interface Summary {
  readonly count: number;
  readonly p50?: number;
  readonly p95?: number;
  readonly max?: number;
  readonly mean?: number;
}

export const summarize = (values: readonly number[]): Summary => {
  if (values.length === 0) return { count: 0 };
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
};

/** A share as a ratio 0..1, 0 when there is nothing to divide. */
export const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
