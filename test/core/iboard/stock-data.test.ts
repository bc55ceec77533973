import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import { decodeStockData, decodeStockDataFields, encodeStockData } from '../../../core/iboard/stock-data.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { FPT_V2 } from './fixtures.ts';

const fpt = parseFrame(FPT_V2) as StockFrame;

describe('StockData (MQTT payload)', () => {
  it('decodes what the simulator encodes into the same prices, volumes and book', () => {
    const result = decodeStockData('FPT', encodeStockData(fpt));
    assert.ok(result.ok, JSON.stringify(result));
    const f = result.frame;
    assert.equal(f.symbol, 'FPT');
    for (const field of [
      'lastPrice',
      'totalVolume',
      'totalValue',
      'ceiling',
      'floor',
      'reference',
      'high',
      'low',
    ] as const) {
      assert.equal(f[field], fpt[field], field);
    }
    assert.deepEqual(f.bids.slice(0, 3), fpt.bids.slice(0, 3));
    assert.deepEqual(f.offers.slice(0, 3), fpt.offers.slice(0, 3));
    assert.equal(f.serverTime, undefined, 'no send time in the message');
    assert.equal(f.changePercent, undefined, 'percent of unknown scale is left out');
  });

  it('skips fields it does not know (40-67, or new ones) instead of failing', () => {
    const known = encodeStockData(fpt);
    const extra = protobuf.Writer.create();
    extra.uint32((45 << 3) | 0).uint64(123456789); // varint field 45
    extra.uint32((50 << 3) | 2).string('unknown text'); // length-delimited field 50
    extra.uint32((99 << 3) | 1).double(1.5); // 64-bit field 99
    const payload = new Uint8Array([...known, ...extra.finish()]);
    const result = decodeStockData('FPT', payload);
    assert.ok(result.ok);
    assert.equal(result.frame.totalVolume, fpt.totalVolume);
  });

  it('reads int64 volumes above 2^32 exactly', () => {
    const big = { ...fpt, totalValue: 286_268_130_000, totalVolume: 5_000_000_123 };
    assert.equal(decodeStockDataFields(encodeStockData(big)).nmTotalTradedValue, 286_268_130_000);
    const result = decodeStockData('FPT', encodeStockData(big));
    assert.ok(result.ok);
    assert.equal(result.frame.totalVolume, 5_000_000_123);
  });

  it('rejects a payload that is not a StockData message with a reason, never throwing', () => {
    for (const payload of [new Uint8Array([0xff, 0xff, 0xff]), new TextEncoder().encode('MAIN|S#FPT|1|2')]) {
      const result = decodeStockData('FPT', payload);
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, /not a StockData message|is not valid/);
    }
  });
});
