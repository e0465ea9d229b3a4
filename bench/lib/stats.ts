/** Latency samples in milliseconds, summarised the way the targets are stated. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles: p99 of 200 samples is the 198th smallest, never an interpolation. */
export function summarize(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Progress goes to stderr so that stdout keeps only the results. */
export function progress(line: string): void {
  process.stderr.write(`  … ${line}\n`);
}

/** Calls `report` every `everyMs` until the returned function is called. */
export function ticker(everyMs: number, report: () => void): () => void {
  const timer = setInterval(report, everyMs);
  timer.unref();

  return () => clearInterval(timer);
}
