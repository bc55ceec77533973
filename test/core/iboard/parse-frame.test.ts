import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import type { ParseResult, RejectedFrame, StockFrame } from '../../../core/iboard/types.ts';
import { FPT_FIELDS, FPT_V1, FPT_V2, frameOf, HNX_INDEX, TRADE } from './fixtures.ts';

function stock(raw: string): StockFrame {
  const frame = parseFrame(raw);
  assert.equal(frame.kind, 'stock', JSON.stringify(frame).slice(0, 300));
  return frame as StockFrame;
}

function rejected(raw: unknown): RejectedFrame {
  const frame = parseFrame(raw as string);
  assert.equal(frame.kind, 'rejected', JSON.stringify(frame).slice(0, 300));
  const rejection = frame as RejectedFrame;
  assert.ok(rejection.reason.length > 0);
  return rejection;
}

const FPT_VALUES = {
  lastPrice: 76400,
  lastVolume: 1000,
  high: 77200,
  exchange: 'hose',
  low: 76200,
  averagePrice: 76679.65,
  foreignBuyVolume: 81543,
  foreignBuyValue: 6246588100,
  foreignSellVolume: 1375466,
  foreignSellValue: 105425698200,
  change: 400,
  changePercent: 0.53,
  totalVolume: 3733300,
  totalValue: 286268130000,
  ceiling: 81300,
  floor: 70700,
  reference: 76000,
  foreignRoom: 276457777,
  stockType: 's',
  tradingStatus: 'N',
  listedShares: 1703507121,
  openPrice: 77000,
};

describe('parseFrame: stock frames', () => {
  it('reads the spec V2 FPT frame with every example value at its position', () => {
    const frame = stock(FPT_V2);
    assert.equal(frame.generation, 'v2');
    assert.equal(frame.symbol, 'FPT');
    assert.equal(frame.boardId, 'MAIN');
    assert.equal(frame.stockId, undefined);
    assert.equal(frame.fieldCount, 102);
    assert.deepEqual(frame.bids[0], { price: 76300, volume: 11800 });
    assert.deepEqual(frame.offers[0], { price: 76400, volume: 61200 });
    assert.equal(frame.bids.length, 10);
    assert.equal(frame.offers.length, 10);
    assert.deepEqual(
      frame.bids.slice(1),
      Array.from({ length: 9 }, () => ({})),
    );
    for (const [name, value] of Object.entries(FPT_VALUES)) {
      assert.equal(frame[name as keyof StockFrame], value, name);
    }
    assert.equal(frame.openingAuctionPrice, 77000);
    assert.equal(frame.openingAuctionVolume, 93100);
    assert.equal(frame.openingAuctionChange, 1000);
    assert.equal(frame.openingAuctionChangePercent, 1.32);
    assert.equal(frame.openingAuctionTime, 1776132899614);
    assert.equal(frame.serverTime, 1776148328137);
  });

  it('leaves empty fields absent rather than undefined or zero', () => {
    const frame = stock(FPT_V2);
    for (const name of [
      'bidQuantity',
      'offerQuantity',
      'openInterest',
      'sessionCode',
      'maturityDate',
      'reserved92',
    ]) {
      assert.equal(name in frame, false, name);
    }
  });

  it('keeps the cumulative value above 32 bits exact and prices as integers', () => {
    const frame = stock(FPT_V2);
    assert.ok(Number.isSafeInteger(frame.totalValue));
    assert.ok(frame.totalValue! > 2 ** 32);
    assert.ok(Number.isInteger(frame.lastPrice));
  });

  it('reads the V1 2023 layout `S#hose:974|FPT|...`', () => {
    const frame = stock(FPT_V1);
    assert.equal(frame.generation, 'v1');
    assert.equal(frame.stockId, 'hose:974');
    assert.equal(frame.symbol, 'FPT');
    assert.equal(frame.boardId, undefined);
    assert.equal(frame.fieldCount, 92);
    for (const [name, value] of Object.entries(FPT_VALUES)) {
      assert.equal(frame[name as keyof StockFrame], value, name);
    }
    assert.equal(frame.serverTime, undefined);
  });

  it('accepts partial V1 frames down to the reference price (62 fields)', () => {
    const frame = stock(frameOf(62, { ...FPT_FIELDS, 0: 'S#hose:974', 1: 'FPT' }));
    assert.equal(frame.reference, 76000);
    assert.equal(frame.fieldCount, 62);
  });

  it('does not reject a crossed book (bid above offer happens in auctions)', () => {
    const frame = stock(frameOf(102, { ...FPT_FIELDS, 0: 'MAIN', 1: 'S#FPT', 2: '77000', 22: '76400' }));
    assert.ok(frame.bids[0].price! > frame.offers[0].price!);
  });

  it('reads negative and decimal changes', () => {
    const frame = stock(frameOf(102, { 0: 'MAIN', 1: 'S#HPG', 52: '-150', 53: '-0.55', 47: '27012.5' }));
    assert.equal(frame.change, -150);
    assert.equal(frame.changePercent, -0.55);
    assert.equal(frame.averagePrice, 27012.5);
  });
});

describe('parseFrame: index and trade frames', () => {
  it('reads the spec HNXIndex frame', () => {
    assert.deepStrictEqual(parseFrame(HNX_INDEX), {
      kind: 'index',
      indexId: 'HNXIndex',
      fieldCount: 20,
      value: 207.63,
      totalVolume: 20424600,
      totalValue: 295725610000,
      advances: 54,
      declines: 53,
      unchanged: 66,
      ceilingCount: 3,
      floorCount: 6,
      allVolume: 20669600,
      allValue: 302810810000,
      timeMs: 1681900960757,
      previousVolume: 20422600,
      chartOpen: 208.25,
      chartHigh: 208.93,
      chartLow: 207.16,
      change: -0.62,
      changePercent: -0.3,
    });
  });

  it('keeps index fields beyond the known layout as text in `extra`', () => {
    const frame = parseFrame(`${HNX_INDEX}|x||7`);
    assert.equal(frame.kind, 'index');
    assert.deepEqual(frame.kind === 'index' && frame.extra, ['x', '', '7']);
  });

  it('reads the spec trade frame', () => {
    assert.deepStrictEqual(parseFrame(TRADE), {
      kind: 'trade',
      stockId: 'hose:643',
      fieldCount: 10,
      price: 17550,
      volume: 300,
      totalVolume: 11364900,
      time: '11:29:53',
      reference: 17400,
      side: 'sd',
      change: 150,
      changePercent: 0.9,
      changeType: 'U',
    });
  });
});

describe('parseFrame: control and unknown frames', () => {
  const cases: [string, Partial<ParseResult>][] = [
    [
      'Subscribed stockRealtimeBySymbolsAndBoards',
      { kind: 'control', control: 'subscribed', topic: 'stockRealtimeBySymbolsAndBoards' },
    ],
    ['{"type":"ack"}', { kind: 'control', control: 'ack' }],
    [
      '{"result":"complete","type":"unsub","topic":"stockRealtimeByList"}',
      { kind: 'control', control: 'unsub', topic: 'stockRealtimeByList' },
    ],
    ['{"error":"invalid topic"}', { kind: 'control', control: 'error', message: 'invalid topic' }],
    [
      '{"systemStatusChangedV2":{"status":"REFRESH"}}',
      { kind: 'control', control: 'status', message: 'REFRESH' },
    ],
    [
      '{"notifySessionByListV2":{"market":"hose","session":"ATO"}}',
      { kind: 'control', control: 'session', message: 'ATO' },
    ],
    ['{"something":"else"}', { kind: 'control', control: 'other' }],
    ['M#hose:974|76400|1000', { kind: 'unknown' }],
    ['hello from the server', { kind: 'unknown' }],
  ];
  for (const [raw, expected] of cases) {
    it(`classifies ${raw.slice(0, 40)}`, () => {
      const frame = parseFrame(raw);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal((frame as Record<string, unknown>)[key], value, key);
      }
    });
  }

  it('keeps the JSON body of control frames', () => {
    const frame = parseFrame('{"notifySessionByListV2":{"market":"hose","session":"ATO"}}');
    assert.deepEqual(frame.kind === 'control' && frame.body, {
      notifySessionByListV2: { market: 'hose', session: 'ATO' },
    });
  });
});

describe('parseFrame: rejections', () => {
  it('rejects a V2 frame too short to derive from (fewer than 56 fields)', () => {
    assert.match(rejected(frameOf(55, { 0: 'MAIN', 1: 'S#FPT' })).reason, /wrong field count.*55.*56/);
    const short = stock(FPT_V2.split('|').slice(0, 60).join('|'));
    assert.equal(short.totalValue, 286268130000);
    assert.equal(short.serverTime, undefined);
  });

  it('keeps a V2 frame with fields appended by SSI, the extra fields kept', () => {
    const longer = stock(`${FPT_V2}|X1|42`);
    assert.equal(longer.totalVolume, 3733300);
    assert.equal(longer.fieldCount, 104);
    assert.deepEqual(longer.extraFields, ['X1', '42']);
    assert.equal(stock(FPT_V2).extraFields, undefined);
  });

  it('rejects V1 frames shorter than 62 or longer than 101 fields', () => {
    assert.match(rejected(frameOf(61, { 0: 'S#hose:974', 1: 'FPT' })).reason, /wrong field count.*61/);
    assert.match(rejected(frameOf(102, { 0: 'S#hose:974', 1: 'FPT' })).reason, /wrong field count/);
    assert.match(rejected('S#hose:974').reason, /wrong field count/);
  });

  it('rejects a non-number in a field the derivation needs, naming the field', () => {
    const r = rejected(frameOf(102, { ...FPT_FIELDS, 0: 'MAIN', 1: 'S#FPT', 54: '37x33' }));
    assert.equal(r.field, 54);
    assert.match(r.reason, /field 54 \(totalVolume\) is not a number: "37x33"/);
    for (const bad of ['0x10', ' 1', '1 ', 'Infinity', 'NaN', '-', '.', '1.2.3', '1e', '+5']) {
      assert.equal(rejected(frameOf(102, { 0: 'MAIN', 1: 'S#FPT', 42: bad })).field, 42, bad);
    }
    assert.equal(rejected(frameOf(102, { 0: 'MAIN', 1: 'S#FPT', 101: 'soon' })).field, 101);
  });

  it('leaves a malformed value in any other field absent and lists it, never a reject', () => {
    const junk = { 25: 'abc', 71: '1:2', 99: '-', 48: '90071992547409931' };
    const frame = stock(frameOf(102, { ...FPT_FIELDS, 0: 'MAIN', 1: 'S#FPT', ...junk }));
    assert.equal(frame.totalVolume, 3733300);
    assert.equal(frame.exercisePrice, undefined);
    assert.equal(frame.foreignBuyVolume, undefined);
    assert.deepEqual(
      frame.malformed?.map((m) => [m.field, m.value]),
      [
        [25, 'abc'],
        [48, '90071992547409931'],
        [71, '1:2'],
        [99, '-'],
      ],
    );
    assert.equal(frame.malformed?.[2].name, 'exercisePrice');
  });

  it('parses the real VN30 futures frame of the spec like a stock frame', () => {
    const futures = stock(
      'MAIN|S#41I1F8000|1717.9|1|1717.8|55|1717.7|10|1717.6|9|1717.5|23|1717.4|15|1717.3|27|1717.2|13|1717.1|37|1717|84|1718.1|2|1718.3|7|1718.4|5|1718.5|55|1718.6|11|1718.8|15|1718.9|31|1719|33|1719.2|61|1719.3|18|1718|1|1732.2|vnf|1710|1719.91|3264|561391850000|3490|600494840000|-1.5|-0.09|172480|29665063450000|16931|8494|56214|1839.8|1599.2|1719.5|21/08/2025||||f|N|20250821||VN30|0||||1722|||||||||||||||||||||1722|1687|2.5|0.15|1754531999939|1754547232540',
    );
    assert.equal(futures.symbol, '41I1F8000');
    assert.equal(futures.totalVolume, 172480);
    assert.equal(futures.stockType, 'f');
    assert.equal(futures.openingAuctionVolume, 1687);
    assert.equal(futures.malformed, undefined);
  });

  it('rejects an integer that does not fit a double exactly', () => {
    const r = rejected(frameOf(102, { 0: 'MAIN', 1: 'S#FPT', 55: '9007199254740993' }));
    assert.equal(r.field, 55);
  });

  it('accepts exponent notation as a number', () => {
    assert.equal(stock(frameOf(102, { 0: 'MAIN', 1: 'S#FPT', 55: '2.8626813e11' })).totalValue, 286268130000);
  });

  it('rejects a frame without a symbol or stock id', () => {
    assert.equal(rejected(frameOf(102, { 0: 'MAIN', 1: 'S#' })).field, 1);
    assert.equal(rejected(frameOf(92, { 0: 'S#', 1: 'FPT' })).field, 0);
    assert.match(rejected('I#|1|2').reason, /missing index id/);
  });

  it('rejects empty, garbage, binary, huge and non-string input', () => {
    assert.match(rejected('').reason, /empty/);
    assert.match(rejected('|||').reason, /without an S#/);
    assert.match(rejected('\u0000\u0001\u00ff\ufffd').reason, /binary/);
    assert.match(rejected('{"type":"ack"').reason, /invalid JSON/);
    assert.match(rejected('x'.repeat(300_000)).reason, /too large/);
    assert.match(rejected(undefined).reason, /not a string/);
    assert.match(rejected(null).reason, /not a string but null/);
    assert.match(rejected(Buffer.from('MAIN|S#FPT')).reason, /not a string/);
    assert.match(rejected({ toString: () => 'x' }).reason, /not a string/);
  });

  it('keeps the raw text of every rejection', () => {
    const raw = frameOf(102, { 0: 'MAIN', 1: 'S#FPT', 54: 'x' });
    assert.equal(rejected(raw).raw, raw);
  });
});
