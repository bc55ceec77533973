import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { parseFrame, stockSymbolOf } from '../../../core/iboard/parse-frame.ts';
import { parseNumberAt } from '../../../core/iboard/parse-number.ts';
import type { ParseResult, StockFrame } from '../../../core/iboard/types.ts';
import { numberArb, stockFrameArb } from './arbitraries.ts';
import { FPT_V1, FPT_V2, HNX_INDEX, TRADE } from './fixtures.ts';

const KINDS = new Set(['stock', 'index', 'trade', 'control', 'unknown', 'rejected']);

function assertWellFormed(result: ParseResult): void {
  assert.ok(KINDS.has(result.kind), result.kind);
  if (result.kind === 'rejected') assert.ok(result.reason.length > 0);
}

const fieldArb = fc.oneof(
  fc.constant(''),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const prefixArb = fc.constantFrom('', 'S#hose:1', 'MAIN', 'I#VNINDEX', 'L#hose:1', '{', 'Subscribed ');
const pipeFrameArb = fc
  .tuple(prefixArb, fc.constantFrom('', 'S#FPT', 'FPT'), fc.array(fieldArb, { minLength: 0, maxLength: 110 }))
  .map(([a, b, rest]) => [a, b, ...rest].join('|'));

describe('parseFrame properties', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        assertWellFormed(parseFrame(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on pipe-joined field arrays, including 62..102-field stock frames', () => {
    fc.assert(
      fc.property(pipeFrameArb, (text) => assertWellFormed(parseFrame(text))),
      { numRuns: 2000 },
    );
  });

  it('never throws on non-string values', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => assertWellFormed(parseFrame(value as string))),
      { numRuns: 500 },
    );
  });
});

describe('parseNumberAt', () => {
  it('reads back exactly what String(n) wrote (and -0 as -0)', () => {
    fc.assert(
      fc.property(numberArb, (n) => {
        const text = `|${Object.is(n, -0) ? '-0' : String(n)}|`;
        assert.ok(Object.is(parseNumberAt(text, 1, text.length - 1), n));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Number() on decimal strings, refusing unsafe integers', () => {
    const decimalArb = fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{1,20})?$/);
    fc.assert(
      fc.property(decimalArb, (text) => {
        const expected = Number(text);
        const unsafe = !text.includes('.') && !Number.isSafeInteger(expected);
        assert.ok(Object.is(parseNumberAt(text, 0, text.length), unsafe ? Number.NaN : expected), text);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what is not a decimal number', () => {
    for (const text of [
      '',
      '-',
      '.',
      '-.',
      'e5',
      '1e',
      '1e+',
      '0x1F',
      '0b1',
      '1_000',
      '١٢',
      'Infinity',
      ' 1',
      '1,5',
    ]) {
      assert.ok(Number.isNaN(parseNumberAt(text, 0, text.length)), text);
    }
  });
});

describe('stockSymbolOf', () => {
  it('names the symbol parseFrame finds in every stock frame, V1 and V2', () => {
    fc.assert(
      fc.property(stockFrameArb, (frame) => {
        const text = formatStockFrame(frame);
        const parsed = parseFrame(text);
        assert.equal(parsed.kind, 'stock');
        assert.equal(stockSymbolOf(text), (parsed as StockFrame).symbol);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with parseFrame on arbitrary pipe-joined fields, and names nothing for other frames', () => {
    for (const text of [FPT_V1, FPT_V2]) assert.equal(stockSymbolOf(text), 'FPT');
    for (const text of [HNX_INDEX, TRADE, 'Subscribed stockRealtime', '', 'S#', 'MAIN|S#']) {
      const parsed = parseFrame(text);
      if (parsed.kind !== 'stock') continue;
      assert.equal(stockSymbolOf(text), parsed.symbol);
    }
    assert.equal(stockSymbolOf(HNX_INDEX), undefined);
    assert.equal(stockSymbolOf(TRADE), undefined);
    fc.assert(
      fc.property(pipeFrameArb, (text) => {
        const parsed = parseFrame(text);
        if (parsed.kind === 'stock') assert.equal(stockSymbolOf(text), parsed.symbol);
      }),
      { numRuns: 3000 },
    );
  });
});
