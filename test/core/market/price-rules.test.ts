import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BOARD_LOT,
  isOnTick,
  isWithinLimits,
  priceLimits,
  roundUpToTick,
  tickSize,
  validatePrice,
} from '../../../core/market/price-rules.ts';

describe('tickSize', () => {
  it('follows the HOSE bands and the flat HNX/UPCoM tick', () => {
    assert.equal(tickSize(9_990, 'hose'), 10);
    assert.equal(tickSize(10_000, 'hose'), 50);
    assert.equal(tickSize(49_950, 'hose'), 50);
    assert.equal(tickSize(50_000, 'hose'), 100);
    assert.equal(tickSize(5_000, 'hnx'), 100);
    assert.equal(tickSize(5_000, 'upcom'), 100);
    assert.equal(tickSize(60_000, 'hose', 'etf'), 10);
  });

  it('checks the grid', () => {
    assert.equal(isOnTick(76_400, 'hose'), true);
    assert.equal(isOnTick(76_450, 'hose'), false);
    assert.equal(isOnTick(12_350, 'hose'), true);
    assert.equal(isOnTick(12_340, 'hose'), false);
    assert.equal(isOnTick(9_995, 'hose'), false);
    assert.equal(isOnTick(12_350, 'hnx'), false);
    assert.equal(roundUpToTick(9_995, 'hose'), 10_000);
    assert.equal(BOARD_LOT, 100);
  });
});

describe('priceLimits', () => {
  it('rounds the ceiling down and the floor up to the tick', () => {
    assert.deepEqual(priceLimits(76_000, 'hose'), { ceiling: 81_300, floor: 70_700 });
    assert.deepEqual(priceLimits(9_800, 'hose'), { ceiling: 10_450, floor: 9_120 });
    assert.deepEqual(priceLimits(47_000, 'hose'), { ceiling: 50_200, floor: 43_750 });
    assert.deepEqual(priceLimits(20_000, 'hnx'), { ceiling: 22_000, floor: 18_000 });
    assert.deepEqual(priceLimits(12_300, 'hnx'), { ceiling: 13_500, floor: 11_100 });
    assert.deepEqual(priceLimits(10_000, 'upcom'), { ceiling: 11_500, floor: 8_500 });
  });

  it('keeps limits on tick, around the reference, within the percentage (property)', () => {
    const exchanges = fc.constantFrom('hose' as const, 'hnx' as const, 'upcom' as const);
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 500_000 }), exchanges, (raw, exchange) => {
        const reference = roundUpToTick(raw, exchange);
        const { ceiling, floor } = priceLimits(reference, exchange);
        const pct = { hose: 0.07, hnx: 0.1, upcom: 0.15 }[exchange];
        assert.ok(isOnTick(ceiling, exchange) && isOnTick(floor, exchange));
        assert.ok(floor < reference && reference < ceiling);
        assert.ok(ceiling <= reference * (1 + pct) + 1e-6 && floor >= reference * (1 - pct) - 1e-6);
        assert.ok(ceiling + tickSize(ceiling, exchange) > reference * (1 + pct));
      }),
    );
  });

  it('checks a price against limits', () => {
    const limits = priceLimits(76_000, 'hose');
    assert.equal(isWithinLimits(81_300, limits), true);
    assert.equal(isWithinLimits(81_400, limits), false);
    assert.equal(isWithinLimits(70_600, limits), false);
  });
});

describe('validatePrice', () => {
  it('returns undefined for a possible price', () => {
    assert.equal(validatePrice(76_400, { exchange: 'hose', reference: 76_000 }), undefined);
    assert.equal(validatePrice(76_400, { exchange: 'hose' }), undefined);
  });

  it('names the reason for an impossible price', () => {
    assert.equal(validatePrice(0, { exchange: 'hose' }), 'not-a-price');
    assert.equal(validatePrice(76_400.5, { exchange: 'hose' }), 'not-a-price');
    assert.equal(validatePrice(76_450, { exchange: 'hose', reference: 76_000 }), 'off-tick');
    assert.equal(validatePrice(81_400, { exchange: 'hose', reference: 76_000 }), 'above-ceiling');
    assert.equal(validatePrice(70_600, { exchange: 'hose', reference: 76_000 }), 'below-floor');
  });

  it('prefers the limits given in the frame', () => {
    assert.equal(validatePrice(81_400, { exchange: 'hose', reference: 76_000, ceiling: 90_000 }), undefined);
    assert.equal(validatePrice(75_000, { exchange: 'hose', floor: 75_100 }), 'below-floor');
  });
});
