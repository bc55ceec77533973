import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameFormatError, formatPolledFrame, formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { parseFrame, stockSymbolOf } from '../../../core/iboard/parse-frame.ts';
import { parseExchangeSnapshot, SnapshotFormatError } from '../../../core/iboard/snapshot.ts';
import { quoteToFrame, SSI_QUOTE_FIELD, SSI_TEXT_FIELD, ssiQuoteOf } from '../../../core/iboard/ssi-quote.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { stockFrameArb } from './arbitraries.ts';
import { FPT_V2 } from './fixtures.ts';

/** An FPT row as the spec describes the REST snapshot (2026-04-14 figures). */
const FPT_ROW = {
  stockSymbol: 'FPT',
  exchange: 'HOSE',
  matchedPrice: 76400,
  priceChange: 400,
  priceChangePercent: 0.53,
  refPrice: 76000,
  ceiling: 81300,
  floor: 70700,
  openPrice: 77000,
  highest: 77200,
  lowest: 76200,
  avgPrice: 76679.65,
  nmTotalTradedQty: 3733300,
  nmTotalTradedValue: 286268130000,
  best1Bid: 76300,
  best1BidVol: 11800,
  best2Bid: 76200,
  best2BidVol: 5000,
  best3Bid: 0,
  best3BidVol: 0,
  best1Offer: 76400,
  best1OfferVol: 61200,
  tradingDate: '20260414',
  someFieldAddedLater: { nested: true },
};

describe('quoteToFrame', () => {
  it('maps the named SSI fields onto the frame model', () => {
    const result = quoteToFrame(FPT_ROW);
    assert.ok(result.ok);
    const f = result.frame;
    assert.equal(result.tradingDate, '2026-04-14');
    assert.equal(f.symbol, 'FPT');
    assert.equal(f.exchange, 'hose');
    assert.equal(f.lastPrice, 76400);
    assert.equal(f.totalVolume, 3733300);
    assert.equal(f.totalValue, 286268130000);
    assert.equal(f.reference, 76000);
    assert.equal(f.high, 77200);
    assert.equal(f.averagePrice, 76679.65);
    assert.deepEqual(f.bids.slice(0, 3), [
      { price: 76300, volume: 11800 },
      { price: 76200, volume: 5000 },
      {},
    ]);
    assert.deepEqual(f.offers[0], { price: 76400, volume: 61200 });
    assert.equal(f.bids.length, 10);
    assert.equal(f.serverTime, undefined);
  });

  it('gives the same fields as the V2 frame of the same moment', () => {
    const v2 = parseFrame(FPT_V2) as StockFrame;
    const result = quoteToFrame(FPT_ROW);
    assert.ok(result.ok);
    for (const field of [
      'lastPrice',
      'high',
      'low',
      'totalVolume',
      'totalValue',
      'ceiling',
      'floor',
      'reference',
    ] as const) {
      assert.equal(result.frame[field], v2[field], field);
    }
  });

  it('rejects a wrong value with a reason naming the field, never throwing', () => {
    assert.deepEqual(quoteToFrame({ ...FPT_ROW, nmTotalTradedQty: 'many' }), {
      ok: false,
      symbol: 'FPT',
      reason: 'nmTotalTradedQty is not valid: "many"',
    });
    assert.equal(quoteToFrame({ ...FPT_ROW, best2Offer: [] }).ok, false);
    assert.equal(quoteToFrame({ ...FPT_ROW, tradingDate: '2026-04-14' }).ok, false);
    assert.equal(quoteToFrame({ ...FPT_ROW, stockSymbol: 'a|b' }).ok, false);
    assert.equal(quoteToFrame({ ...FPT_ROW, issuerName: 'x|y' }).ok, false);
    assert.equal(quoteToFrame(null).ok, false);
    assert.equal(quoteToFrame([1]).ok, false);
  });

  it('reads numbers sent as text and treats null as absent', () => {
    const result = quoteToFrame({ stockSymbol: 'VCB', nmTotalTradedQty: '120', matchedPrice: null });
    assert.ok(result.ok);
    assert.equal(result.frame.totalVolume, 120);
    assert.equal('lastPrice' in result.frame, false);
  });

  it('reads back what ssiQuoteOf wrote for any frame (book levels 1..3, mapped fields)', () => {
    fc.assert(
      fc.property(
        stockFrameArb.map((f) => ({ ...f, symbol: 'FPT' })),
        (frame) => {
          const result = quoteToFrame(ssiQuoteOf(frame, '2026-04-14'));
          assert.ok(result.ok, JSON.stringify(result));
          const got = result.frame as Record<string, unknown>;
          const want = frame as Record<string, unknown>;
          for (const field of [...Object.values(SSI_QUOTE_FIELD), ...Object.values(SSI_TEXT_FIELD)]) {
            assert.equal(got[field], want[field], field);
          }
          assert.equal(result.tradingDate, '2026-04-14');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('polled frames (P#)', () => {
  it('round-trip with polled: true and keep the symbol readable without parsing', () => {
    const result = quoteToFrame(FPT_ROW);
    assert.ok(result.ok);
    const raw = formatPolledFrame({ ...result.frame, polled: true });
    assert.ok(raw.startsWith('P#MAIN|S#FPT|'));
    assert.equal(stockSymbolOf(raw), 'FPT');
    assert.deepStrictEqual(parseFrame(raw), { ...result.frame, polled: true });
  });

  it('are never read as pushed frames, nor pushed frames as polled', () => {
    const pushed = parseFrame(FPT_V2) as StockFrame;
    assert.equal(pushed.polled, undefined);
    const polled = parseFrame(`P#${FPT_V2}`) as StockFrame;
    assert.equal(polled.polled, true);
    assert.throws(() => formatStockFrame({ ...pushed, polled: true }), FrameFormatError);
  });

  it('reject a P# tag without a V2 stock frame, quoting the whole text', () => {
    const raw = 'P#garbage';
    assert.deepEqual(parseFrame(raw), {
      kind: 'rejected',
      reason: 'polled frame (P#) without a V2 stock frame after the tag',
      field: 0,
      raw,
    });
    const short = 'P#MAIN|S#FPT|1|2';
    const parsed = parseFrame(short);
    assert.equal(parsed.kind, 'rejected');
    assert.equal((parsed as { raw: string }).raw, short);
  });
});

describe('parseExchangeSnapshot', () => {
  it('parses every row and lists the bad ones with their index and reason', () => {
    const body = { code: 'SUCCESS', data: [FPT_ROW, { stockSymbol: 'VCB', nmTotalTradedQty: 2 ** 60 }, 7] };
    const { quotes, rejected } = parseExchangeSnapshot(body);
    assert.equal(quotes.length, 1);
    assert.equal(quotes[0].tradingDate, '2026-04-14');
    assert.deepEqual(
      rejected.map((r) => [r.index, r.symbol]),
      [
        [1, 'VCB'],
        [2, undefined],
      ],
    );
  });

  it('throws SnapshotFormatError on an answer that is not a snapshot', () => {
    assert.throws(() => parseExchangeSnapshot({ code: 'FAIL', data: [] }), SnapshotFormatError);
    assert.throws(() => parseExchangeSnapshot({ code: 'SUCCESS' }), /no data array/);
    assert.throws(() => parseExchangeSnapshot('x'), SnapshotFormatError);
  });
});
