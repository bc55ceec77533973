/**
 * fast-check generators of valid iboard frames (as objects), shared by the property tests and
 * `scripts/fuzz.ts`. Every generated frame has a faithful wire form, so
 * `parseFrame(format(frame))` must deep-equal it.
 */
import fc from 'fast-check';
import {
  BOOK_DEPTH,
  INDEX_FIELD,
  type IndexFrame,
  type PriceLevel,
  STOCK_FIELD,
  STOCK_TEXT_FIELDS,
  type StockFieldName,
  type StockFrame,
  TRADE_FIELD,
  type TradeFrame,
  V1_MAX_FIELDS,
  V1_MIN_FIELDS,
  V2_FIELD_COUNT,
} from '../../../core/iboard/types.ts';

/** A VND price as the feed sends it: mostly integers, some with two decimals. */
const priceArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -100_000_000, max: 100_000_000 }).map((n) => n / 100) },
);

/** Any number the wire can carry exactly: safe integers, feed-like values and arbitrary doubles. */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: priceArb },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  {
    weight: 1,
    arbitrary: fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((v) => !Number.isInteger(v) || Number.isSafeInteger(v)),
  },
);

/** Non-empty text without a pipe (the field separator). */
export const textArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }),
  )
  .filter((s) => !s.includes('|'));

const idArb = fc.stringMatching(/^[A-Za-z0-9:_-]{1,12}$/);

const levelArb: fc.Arbitrary<PriceLevel> = fc.record(
  { price: priceArb, volume: numberArb },
  { requiredKeys: [], noNullPrototype: true },
);
const bookArb = fc.array(levelArb, { minLength: BOOK_DEPTH, maxLength: BOOK_DEPTH });

const stockScalarsArb = fc.record(
  Object.fromEntries(
    (Object.keys(STOCK_FIELD) as StockFieldName[]).map((name) => [
      name,
      STOCK_TEXT_FIELDS.has(name) ? (textArb as fc.Arbitrary<unknown>) : numberArb,
    ]),
  ),
  { requiredKeys: [], noNullPrototype: true },
);

/** A V1 or V2 stock frame with any subset of its fields present. */
export const stockFrameArb: fc.Arbitrary<StockFrame> = fc
  .record({
    generation: fc.constantFrom('v1', 'v2') as fc.Arbitrary<'v1' | 'v2'>,
    v1Count: fc.integer({ min: V1_MIN_FIELDS, max: V1_MAX_FIELDS }),
    symbol: textArb,
    id: idArb,
    withBoard: fc.boolean(),
    bids: bookArb,
    offers: bookArb,
    scalars: stockScalarsArb,
  })
  .map(({ generation, v1Count, symbol, id, withBoard, bids, offers, scalars }) => {
    const fieldCount = generation === 'v2' ? V2_FIELD_COUNT : v1Count;
    const frame: StockFrame = { kind: 'stock', generation, symbol, bids, offers, fieldCount };
    if (generation === 'v1') frame.stockId = id;
    else if (withBoard) frame.boardId = id;
    for (const [name, value] of Object.entries(scalars)) {
      if (STOCK_FIELD[name as StockFieldName] < fieldCount) (frame as Record<string, unknown>)[name] = value;
    }
    return frame;
  });

function taggedArb<T>(layout: Record<string, number>, textNames: string[], idName: string, kind: string) {
  const named = Object.keys(layout).length;
  const fields = Object.fromEntries(
    Object.keys(layout)
      .filter((name) => name !== idName)
      .map((name) => [name, textNames.includes(name) ? (textArb as fc.Arbitrary<unknown>) : numberArb]),
  );
  return fc
    .record({
      id: idArb,
      count: fc.integer({ min: 2, max: named + 5 }),
      fields: fc.record(fields, { requiredKeys: [], noNullPrototype: true }),
      extra: fc.array(fc.oneof(fc.constant(''), textArb), { minLength: 5, maxLength: 5 }),
    })
    .map(({ id, count, fields, extra }) => {
      const frame: Record<string, unknown> = { kind, [idName]: id, fieldCount: count };
      for (const [name, value] of Object.entries(fields)) if (layout[name] < count) frame[name] = value;
      if (count > named) frame.extra = extra.slice(0, count - named);
      return frame as T;
    });
}

export const indexFrameArb: fc.Arbitrary<IndexFrame> = taggedArb<IndexFrame>(
  INDEX_FIELD,
  ['time'],
  'indexId',
  'index',
);

export const tradeFrameArb: fc.Arbitrary<TradeFrame> = taggedArb<TradeFrame>(
  TRADE_FIELD,
  ['time', 'side', 'changeType'],
  'stockId',
  'trade',
);
