/**
 * A fixed-memory latency histogram in milliseconds: 1 ms buckets up to 100 ms,
 * 10 ms up to 1 s, 100 ms up to 60 s, one overflow bucket. Quantiles are exact to
 * the bucket width (<= 10% relative error), which is plenty for p50/p99.
 *
 * @example
 * const h = new LatencyHistogram();
 * h.record(42);
 * h.quantile(0.99); // 42
 */
const FINE_LIMIT = 100;
const MEDIUM_LIMIT = 1_000;
const COARSE_LIMIT = 60_000;
const FINE_BUCKETS = FINE_LIMIT;
const MEDIUM_BUCKETS = (MEDIUM_LIMIT - FINE_LIMIT) / 10;
const COARSE_BUCKETS = (COARSE_LIMIT - MEDIUM_LIMIT) / 100;
const BUCKETS = FINE_BUCKETS + MEDIUM_BUCKETS + COARSE_BUCKETS + 1;

export type HistogramSnapshot = {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
};

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private maximum = 0;

  record(ms: number): void {
    const value = Math.max(ms, 0);
    this.counts[bucketOf(value)]++;
    this.total++;
    this.sum += value;
    if (value > this.maximum) this.maximum = value;
  }

  get count(): number {
    return this.total;
  }

  /** Upper edge of the bucket holding quantile `q` (0..1); 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperEdge(i), this.maximum);
    }
    return this.maximum;
  }

  snapshot(): HistogramSnapshot {
    return {
      count: this.total,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: Math.round(this.maximum),
      mean: this.total === 0 ? 0 : Math.round(this.sum / this.total),
    };
  }
}

function bucketOf(ms: number): number {
  if (ms < FINE_LIMIT) return Math.floor(ms);
  if (ms < MEDIUM_LIMIT) return FINE_BUCKETS + Math.floor((ms - FINE_LIMIT) / 10);
  if (ms < COARSE_LIMIT) return FINE_BUCKETS + MEDIUM_BUCKETS + Math.floor((ms - MEDIUM_LIMIT) / 100);
  return BUCKETS - 1;
}

function upperEdge(bucket: number): number {
  if (bucket < FINE_BUCKETS) return bucket + 1;
  if (bucket < FINE_BUCKETS + MEDIUM_BUCKETS) return FINE_LIMIT + (bucket - FINE_BUCKETS + 1) * 10;
  if (bucket < BUCKETS - 1) return MEDIUM_LIMIT + (bucket - FINE_BUCKETS - MEDIUM_BUCKETS + 1) * 100;
  return Number.POSITIVE_INFINITY;
}
