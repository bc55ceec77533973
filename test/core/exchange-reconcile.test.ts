import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMismatch, reconcileWithExchange } from '../../core/exchange-reconcile.ts';

const DAY = '2026-04-14';

describe('reconcileWithExchange', () => {
  it('agrees when each symbol’s rows sum to the exchange total', () => {
    const result = reconcileWithExchange(
      [
        { symbol: 'FPT', tradingDate: DAY, quantity: 93_100 },
        { symbol: 'FPT', tradingDate: DAY, quantity: 3_640_200 },
        { symbol: 'VCB', tradingDate: DAY, quantity: 500 },
      ],
      [
        { symbol: 'FPT', tradingDate: DAY, totalVolume: 3_733_300 },
        { symbol: 'VCB', tradingDate: DAY, totalVolume: 500 },
        { symbol: 'HPG', tradingDate: DAY, totalVolume: 0 },
      ],
      { tradingDate: DAY },
    );
    assert.deepEqual(result.mismatches, []);
    assert.equal(result.checked, 2);
    assert.equal(result.agreeing, 2);
    assert.equal(result.storedVolume, 3_733_800);
    assert.equal(result.exchangeVolume, 3_733_800);
  });

  it('names each disagreeing symbol with both figures, largest difference first', () => {
    const result = reconcileWithExchange(
      [
        { symbol: 'FPT', tradingDate: DAY, quantity: 3_733_000 },
        { symbol: 'VCB', tradingDate: DAY, quantity: 1_000 },
        { symbol: 'VCB', tradingDate: '2026-04-13', quantity: 999 },
      ],
      [
        { symbol: 'FPT', tradingDate: DAY, totalVolume: 3_733_300 },
        { symbol: 'VCB', tradingDate: DAY, totalVolume: 500 },
        { symbol: 'HPG', tradingDate: DAY, totalVolume: 10_000 },
      ],
      { tradingDate: DAY },
    );
    assert.deepEqual(result.mismatches, [
      { symbol: 'HPG', stored: 0, exchange: 10_000, difference: -10_000 },
      { symbol: 'VCB', stored: 1_000, exchange: 500, difference: 500 },
      { symbol: 'FPT', stored: 3_733_000, exchange: 3_733_300, difference: -300 },
    ]);
    assert.equal(describeMismatch(result.mismatches[2]), 'FPT: stored 3,733,000, exchange 3,733,300 (-300)');
    assert.equal(describeMismatch(result.mismatches[1]), 'VCB: stored 1,000, exchange 500 (+500)');
  });

  it('checks only the given symbols, listing those the snapshot lacks or dates otherwise', () => {
    const result = reconcileWithExchange(
      [{ symbol: '41I1F8000', tradingDate: DAY, quantity: 3_264 }],
      [
        { symbol: 'FPT', tradingDate: DAY, totalVolume: 100 },
        { symbol: 'VCB', tradingDate: '2026-04-13', totalVolume: 700 },
        { symbol: 'HPG', tradingDate: DAY, totalVolume: 900 },
      ],
      { tradingDate: DAY, symbols: ['FPT', 'VCB', '41I1F8000'] },
    );
    assert.deepEqual(result.notInSnapshot, ['41I1F8000']);
    assert.deepEqual(result.otherDate, ['VCB']);
    assert.equal(result.checked, 1);
    assert.deepEqual(result.mismatches, [{ symbol: 'FPT', stored: 0, exchange: 100, difference: -100 }]);
  });

  it('counts a negative correction row into the stored day', () => {
    const result = reconcileWithExchange(
      [
        { symbol: 'FPT', tradingDate: DAY, quantity: 1_200 },
        { symbol: 'FPT', tradingDate: DAY, quantity: -200 },
      ],
      [{ symbol: 'FPT', tradingDate: DAY, totalVolume: 1_000 }],
      { tradingDate: DAY },
    );
    assert.equal(result.agreeing, 1);
  });
});
