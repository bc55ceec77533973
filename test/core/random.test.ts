import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.ts';

const draws = (seed: string | number, n = 8) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('gives the same sequence for the same seed', () => {
    assert.deepEqual(draws('42'), draws('42'));
    assert.deepEqual(draws(7), draws('7'));
  });

  it('gives different sequences for nearby seeds', () => {
    assert.notDeepEqual(draws('1'), draws('2'));
  });

  it('draws in [0, 1), integers within their bounds, chances at their rate', () => {
    const random = createRandom('range');
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      assert.ok(x >= 0 && x < 1, `next() gave ${x}`);
      const n = random.int(3, 6);
      assert.ok(Number.isInteger(n) && n >= 3 && n <= 6, `int(3, 6) gave ${n}`);
      if (random.chance(0.25)) hits++;
    }
    // 10,000 draws at p = 0.25: the standard deviation is ~43, so 2,300..2,700 is beyond 4.6 sigma.
    assert.ok(hits > 2_300 && hits < 2_700, `chance(0.25) hit ${hits} times in 10,000`);
  });
});
