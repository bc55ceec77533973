import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, backoffDelay } from '../../core/backoff.ts';

describe('Backoff', () => {
  it('doubles from the base up to the cap', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    const delays = Array.from({ length: 7 }, () => backoff.next());
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(backoff.attempts, 7);
  });

  it('jitters between half and all of the nominal delay', () => {
    const low = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
    assert.deepEqual([low.next(), low.next(), low.next()], [50, 100, 200]);
    const backoff = new Backoff({ baseMs: 100, maxMs: 1000 });
    for (let i = 0; i < 200; i++) {
      const nominal = Math.min(1000, 100 * 2 ** Math.min(i, 30));
      const delay = backoff.next();
      assert.ok(delay >= nominal / 2 && delay <= nominal, `attempt ${i + 1}: ${delay} outside ${nominal}`);
    }
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.attempts, 0);
    assert.equal(backoff.next(), 100);
  });

  it('keeps the nominal delay without jitter', () => {
    const rule = { baseMs: 200, maxMs: 5_000, jitter: 'none' } as const;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffDelay(n, rule)),
      [200, 400, 800, 1600, 3200, 5000, 5000, 5000],
    );
  });

  it('rejects a cap below the base', () => {
    assert.throws(() => new Backoff({ baseMs: 100, maxMs: 50 }), RangeError);
  });
});
