/**
 * Side-by-side measurement: a candidate and its baseline run in alternating rounds in the same
 * process (ABBA order, so drift and warm-up hit both alike); the result is the median of the per-round
 * ratios. Benchmarks report ratios, never absolute times alone, because this machine is shared.
 */
import { cpus, totalmem } from 'node:os';

export interface Comparison {
  readonly name: string;
  readonly baseline: { readonly label: string; readonly run: () => unknown };
  readonly candidate: { readonly label: string; readonly run: () => unknown };
  /** The highest acceptable candidate/baseline ratio. */
  readonly target: number;
}

export interface ComparisonResult {
  readonly name: string;
  readonly baselineLabel: string;
  readonly candidateLabel: string;
  readonly baselineUsPerOp: number;
  readonly candidateUsPerOp: number;
  readonly ratio: number;
  readonly target: number;
  readonly met: boolean;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Runs `fn` `n` times and returns the elapsed nanoseconds. */
const time = (fn: () => unknown, n: number): number => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start);
};

/** Runs `fn` for at least `ms` milliseconds (and at least 50 times). */
const warm = (fn: () => unknown, ms: number): void => {
  const until = process.hrtime.bigint() + BigInt(ms * 1e6);
  for (let i = 0; i < 50 || process.hrtime.bigint() < until; i++) fn();
};

/** Iterations so one batch of the slower side takes about `batchMs`. */
const calibrate = (fn: () => unknown, batchMs: number): number => {
  let n = 1;
  for (;;) {
    const ns = time(fn, n);
    if (ns > batchMs * 1e6 || n > 1e7) return Math.max(1, Math.round((n * batchMs * 1e6) / Math.max(ns, 1)));
    n *= 2;
  }
};

export const compare = (
  c: Comparison,
  options: { rounds?: number; batchMs?: number; warmMs?: number } = {},
): ComparisonResult => {
  const rounds = options.rounds ?? 12;
  const batchMs = options.batchMs ?? 40;
  // Warm both sides (JIT, caches) before measuring: by time, not a fixed count, so that code as large as
  // zod's reaches its optimised tier even when one operation takes hundreds of microseconds.
  warm(c.baseline.run, options.warmMs ?? 300);
  warm(c.candidate.run, options.warmMs ?? 300);
  const n = Math.min(calibrate(c.baseline.run, batchMs), calibrate(c.candidate.run, batchMs));
  const ratios: number[] = [];
  const baseline: number[] = [];
  const candidate: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const a = first ? time(c.baseline.run, n) : 0;
    const b = time(c.candidate.run, n);
    const a2 = first ? a : time(c.baseline.run, n);
    baseline.push(a2 / n);
    candidate.push(b / n);
    ratios.push(b / a2);
  }
  const ratio = median(ratios);
  return {
    name: c.name,
    baselineLabel: c.baseline.label,
    candidateLabel: c.candidate.label,
    baselineUsPerOp: median(baseline) / 1000,
    candidateUsPerOp: median(candidate) / 1000,
    ratio,
    target: c.target,
    met: ratio <= c.target,
  };
};

export const machine = (): string => {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
};
