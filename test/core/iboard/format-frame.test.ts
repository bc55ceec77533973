import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  FrameFormatError,
  formatIndexFrame,
  formatStockFrame,
  formatTradeFrame,
} from '../../../core/iboard/format-frame.ts';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { indexFrameArb, stockFrameArb, tradeFrameArb } from './arbitraries.ts';
import { FPT_V1, FPT_V2, HNX_INDEX } from './fixtures.ts';

const empty = (): StockFrame['bids'] => Array.from({ length: 10 }, () => ({}));

describe('formatStockFrame', () => {
  it('writes the spec FPT frames back byte for byte', () => {
    for (const raw of [FPT_V2, FPT_V1]) {
      const frame = parseFrame(raw);
      assert.equal(frame.kind, 'stock');
      assert.equal(formatStockFrame(frame as StockFrame), raw);
    }
  });

  it('round-trips generated stock frames: parse(format(x)) deep-equals x', () => {
    fc.assert(
      fc.property(stockFrameArb, (frame) => {
        assert.deepStrictEqual(parseFrame(formatStockFrame(frame)), frame);
      }),
      { numRuns: 500 },
    );
  });

  it('writes V2 frames with exactly 102 fields and the symbol in field 1', () => {
    const raw = formatStockFrame({
      kind: 'stock',
      generation: 'v2',
      symbol: 'VCB',
      boardId: 'MAIN',
      bids: empty(),
      offers: empty(),
      totalValue: 286268130000,
      fieldCount: 102,
    });
    const fields = raw.split('|');
    assert.equal(fields.length, 102);
    assert.deepEqual([fields[0], fields[1], fields[55]], ['MAIN', 'S#VCB', '286268130000']);
  });

  it('refuses frames without a faithful wire form', () => {
    const base: StockFrame = {
      kind: 'stock',
      generation: 'v2',
      symbol: 'FPT',
      bids: [],
      offers: [],
      fieldCount: 102,
    };
    const bad: [Partial<StockFrame>, string][] = [
      [{ fieldCount: 101 }, 'fieldCount'],
      [{ generation: 'v1', stockId: 'hose:974', fieldCount: 50 }, 'fieldCount'],
      [{ generation: 'v1', fieldCount: 92 }, 'stockId'],
      [{ symbol: '' }, 'symbol'],
      [{ exchange: 'ho|se' }, 'exchange'],
      [{ exchange: '' }, 'exchange'],
      [{ boardId: 'S#X' }, 'boardId'],
      [{ lastPrice: Number.NaN }, 'lastPrice'],
      [{ totalValue: 2 ** 60 }, 'totalValue'],
      [{ generation: 'v1', stockId: 'hose:1', fieldCount: 62, serverTime: 1 }, 'serverTime'],
      [{ bids: Array.from({ length: 11 }, () => ({})) }, 'bids'],
    ];
    for (const [patch, field] of bad) {
      assert.throws(
        () => formatStockFrame({ ...base, ...patch }),
        (error: unknown) =>
          error instanceof FrameFormatError && error.code === 'FRAME_FORMAT' && error.field === field,
        JSON.stringify(patch),
      );
    }
  });
});

describe('formatIndexFrame and formatTradeFrame', () => {
  it('writes the spec index frame back with its values', () => {
    const frame = parseFrame(HNX_INDEX);
    assert.equal(frame.kind, 'index');
    if (frame.kind !== 'index') return;
    // `-0.30` reads as -0.3, so only the text of that one field differs.
    assert.equal(formatIndexFrame(frame), HNX_INDEX.replace('-0.30', '-0.3'));
  });

  it('round-trips generated index and trade frames', () => {
    fc.assert(
      fc.property(indexFrameArb, (frame) =>
        assert.deepStrictEqual(parseFrame(formatIndexFrame(frame)), frame),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(tradeFrameArb, (frame) =>
        assert.deepStrictEqual(parseFrame(formatTradeFrame(frame)), frame),
      ),
      { numRuns: 300 },
    );
  });

  it('refuses extra fields that do not match fieldCount', () => {
    assert.throws(
      () => formatTradeFrame({ kind: 'trade', stockId: 'hose:1', fieldCount: 12, extra: ['a'] }),
      FrameFormatError,
    );
    assert.equal(formatTradeFrame({ kind: 'trade', stockId: 'hose:1', price: 100 }), 'L#hose:1|100||||||||');
  });
});
