import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatReconciliation,
  reconcile,
  sumTrades,
  symbolDay,
  type TradeRowLike,
} from '../../../core/derive/reconcile.ts';
import type { TradeKind } from '../../../core/derive/types.ts';

const row = (
  symbol: string,
  sk: string,
  kind: TradeKind,
  quantity: number,
  cumVolume: number,
): TradeRowLike => ({
  symbol,
  tradingDate: '2026-04-14',
  kind,
  quantity,
  cumVolume,
  sk,
});

const FPT = [
  row('FPT', '3', 'trade', 200, 3_733_500),
  row('FPT', '1', 'opening', 93_100, 93_100),
  row('FPT', '2', 'pre-existing', 3_640_200, 3_733_300),
];

describe('reconcile', () => {
  it('sums a symbol-day by kind and agrees with the exchange total', () => {
    const stored = sumTrades(FPT);
    const day = stored.get(symbolDay('FPT', '2026-04-14'))!;
    assert.equal(day.stored, 3_733_500);
    assert.equal(day.lastCumVolume, 3_733_500, 'the last row by sort key, whatever the order read');
    assert.deepEqual(day.byKind, {
      trade: 200,
      opening: 93_100,
      'pre-existing': 3_640_200,
      gap: 0,
      correction: 0,
    });
    const report = reconcile(
      stored,
      new Map([['FPT#2026-04-14', { total: 3_733_500, source: 'quote' as const }]]),
    );
    assert.equal(report.agreeing, 1);
    assert.ok(Math.abs(report.seenShare - 93_300 / 3_733_500) < 1e-12);
  });

  it('names a symbol that disagrees with both figures, and one the exchange traded that has no rows', () => {
    const stored = sumTrades([
      ...FPT,
      row('VCB', '1', 'pre-existing', 1500, 1500),
      row('VCB', '2', 'correction', -100, 1400),
    ]);
    const report = reconcile(
      stored,
      new Map([
        ['FPT#2026-04-14', { total: 3_800_000, source: 'exchange' as const }],
        ['HPG#2026-04-14', { total: 1000, source: 'exchange' as const }],
      ]),
    );
    assert.equal(report.symbols, 3);
    assert.equal(report.agreeing, 1, 'VCB agrees with its last row (no other figure for it)');
    const lines = formatReconciliation(report);
    assert.match(
      lines[0],
      /^DIFF FPT 2026-04-14: exchange 3,800,000 \(exchange\), stored 3,733,500 = trade 200, opening 93,100, pre-existing 3,640,200$/,
    );
    assert.match(lines[1], /^DIFF HPG 2026-04-14: exchange 1,000 \(exchange\), stored 0$/);
    assert.match(lines.at(-1)!, /^reconciliation: 1\/3 symbol-days agree/);
    assert.equal(formatReconciliation(report, { all: true }).length, 4);
  });
});
