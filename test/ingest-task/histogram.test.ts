import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../../ingest-task/histogram.ts';

describe('LatencyHistogram', () => {
  it('gives quantiles within the bucket width', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms);
    const s = h.snapshot();
    assert.equal(s.count, 1000);
    assert.ok(Math.abs(s.p50 - 500) <= 10, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p99 - 990) <= 10, `p99 ${s.p99}`);
    assert.equal(s.max, 1000);
    assert.ok(Math.abs(s.mean - 500) <= 1);
  });

  it('handles small, huge and negative values', () => {
    const h = new LatencyHistogram();
    h.record(-3);
    h.record(0.4);
    h.record(120_000);
    assert.equal(h.quantile(0.5), 1);
    assert.equal(h.quantile(1), 120_000);
    assert.equal(new LatencyHistogram().quantile(0.99), 0);
  });
});
