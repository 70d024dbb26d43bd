// What latency.js reports per run, and the histogram that lets run.ts pool a server's runs into one percentile.

/** Percentiles of one run, in ms. */
export interface Latency {
  requests: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** How late the client itself sent (p99, ms): near 0 unless the client or the machine stalled. */
  sendLagP99: number;
  /** Every latency, as sparse [bucket, count] pairs (see {@link bucketOf}), so runs can be pooled. */
  histogram: [number, number][];
}

/**
 * The histogram bucket of a latency: 10 µs wide below 1 ms, 100 µs wide to 100 ms, 1 ms wide to 1 s, then one
 * last bucket. A pooled percentile is then exact to its bucket's width.
 */
export function bucketOf(ms: number): number {
  if (ms < 1) return Math.max(0, Math.floor(ms * 100));
  if (ms < 100) return 100 + Math.floor((ms - 1) * 10);
  return 1090 + Math.min(Math.floor(ms - 100), 900);
}

/** The upper edge of a bucket, in ms: what a pooled percentile reports. */
export function bucketTop(bucket: number): number {
  if (bucket < 100) return (bucket + 1) / 100;
  if (bucket < 1090) return 1 + (bucket - 99) / 10;
  return 100 + (bucket - 1089);
}

/** Percentile `p` of pooled histograms. */
export function pooledPercentile(histograms: readonly (readonly [number, number][])[], p: number): number {
  const counts = new Map<number, number>();
  for (const h of histograms) for (const [bucket, n] of h) counts.set(bucket, (counts.get(bucket) ?? 0) + n);
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const bucket of buckets) if ((seen += counts.get(bucket)!) >= rank) return bucketTop(bucket);
  return Number.NaN;
}

