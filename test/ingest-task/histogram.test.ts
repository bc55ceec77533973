import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../../ingest-task/histogram.ts';

/** Within `relative` of `expected` (createHistogram keeps 3 significant figures: 0.1%). */
function near(actual: number, expected: number, relative = 0.001): void {
  assert.ok(
    Math.abs(actual - expected) <= expected * relative,
    `${actual} is not within ${relative} of ${expected}`,
  );
}

describe('LatencyHistogram', () => {
  it('gives quantiles to three significant figures', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms);
    const s = h.snapshot();
    assert.equal(s.count, 1000);
    near(s.p50, 500);
    near(s.p90, 900);
    near(s.p99, 990);
    near(s.max, 1000);
    assert.ok(Math.abs(s.mean - 500) <= 1, `mean ${s.mean}`);
  });

  it('keeps sub-millisecond values, clamps negative ones and holds huge ones', () => {
    const h = new LatencyHistogram();
    h.record(-3);
    h.record(0.4);
    h.record(120_000);
    assert.equal(h.count, 3);
    assert.equal(h.quantile(0.1), 0.001, 'a negative latency counts as the smallest, 1 µs');
    near(h.quantile(0.5), 0.4);
    near(h.quantile(1), 120_000);
    near(h.snapshot().max, 120_000);
  });

  it('reads 0 when empty', () => {
    const h = new LatencyHistogram();
    assert.equal(h.quantile(0.99), 0);
    assert.deepEqual(h.snapshot(), { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });
  });
});
