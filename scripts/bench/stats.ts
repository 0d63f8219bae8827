/**
 * @module bench/stats
 * Percentiles and the small numeric helpers every bench part shares. Percentiles are
 * nearest-rank on the sorted samples (p99 of 2,000 samples is the 1,980th), so a reported
 * figure is always a time that was actually measured.
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  stddev: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  let sum = 0;
  for (const x of s) sum += x;
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (const x of s) sq += (x - mean) * (x - mean);
  const arr = Array.from(s);
  return {
    n,
    min: n ? s[0]! : NaN,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: n ? s[n - 1]! : NaN,
    mean,
    stddev: n > 1 ? Math.sqrt(sq / (n - 1)) : 0,
  };
}

/** Milliseconds with as many decimals as the magnitude deserves. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  return ms.toFixed(1);
}

export function fmtBytes(b: number): string {
  if (Math.abs(b) >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MB`;
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${Math.round(b)} B`;
}

export function fmtRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** Rounds for JSON output (µs precision is plenty). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function roundSummary(s: Summary): Summary {
  return {
    n: s.n,
    min: round(s.min),
    p50: round(s.p50),
    p90: round(s.p90),
    p99: round(s.p99),
    max: round(s.max),
    mean: round(s.mean),
    stddev: round(s.stddev),
  };
}
