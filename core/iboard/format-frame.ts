/**
 * The inverse of `parseFrame` for data frames: `parseFrame(formatStockFrame(f))` deep-equals `f`
 * for every valid frame `f`. Used by the simulator to speak the wire format.
 *
 * Numbers are written with `String(n)` (the shortest text that reads back as the same double);
 * absent fields are written empty. A frame that cannot be written faithfully (a text field with
 * a pipe, a non-finite number, a field beyond `fieldCount`, a wrong field count) throws
 * {@link FrameFormatError}: the simulator has a bug, and a silent bad frame would hide it.
 *
 * @example
 * formatStockFrame({ kind: 'stock', generation: 'v2', symbol: 'FPT', boardId: 'MAIN', bids: [], offers: [], fieldCount: 102 });
 * // 'MAIN|S#FPT||||...' (102 fields)
 */
import { IngestError } from '../errors.ts';
import {
  BID_START,
  BOOK_DEPTH,
  INDEX_FIELD,
  type IndexFrame,
  OFFER_START,
  POLLED_PREFIX,
  type PriceLevel,
  STOCK_FIELD,
  type StockFrame,
  TRADE_FIELD,
  type TradeFrame,
  V1_MAX_FIELDS,
  V1_MIN_FIELDS,
  V2_FIELD_COUNT,
} from './types.ts';

/** A frame object that has no faithful wire form. */
export class FrameFormatError extends IngestError {
  readonly code = 'FRAME_FORMAT';
  readonly field: string;
  constructor(message: string, field: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FrameFormatError';
    this.field = field;
  }
}

const STOCK_ENTRIES = Object.entries(STOCK_FIELD);
const INDEX_ENTRIES = Object.entries(INDEX_FIELD).filter(([name]) => name !== 'indexId');
const TRADE_ENTRIES = Object.entries(TRADE_FIELD).filter(([name]) => name !== 'stockId');

/** Writes a stock frame in its generation's layout (`S#<stockId>|<symbol>|...` or `<boardId>|S#<symbol>|...`). */
export function formatStockFrame(frame: StockFrame): string {
  const count = frame.fieldCount;
  const valid =
    frame.generation === 'v2' ? count === V2_FIELD_COUNT : count >= V1_MIN_FIELDS && count <= V1_MAX_FIELDS;
  if (!Number.isInteger(count) || !valid) {
    throw new FrameFormatError(
      `fieldCount ${count} is not valid for a ${frame.generation} frame`,
      'fieldCount',
    );
  }
  const out = new Array<string>(count).fill('');
  if (frame.generation === 'v1') {
    out[0] = `S#${nonEmpty(frame.stockId, 'stockId')}`;
    out[1] = nonEmpty(frame.symbol, 'symbol');
  } else {
    const boardId = frame.boardId === undefined ? '' : nonEmpty(frame.boardId, 'boardId');
    // A `#` could make the board id read as a tag (`S#`, `I#`, `L#`) and change the frame's kind.
    if (boardId.includes('#')) throw new FrameFormatError('boardId contains a #', 'boardId');
    out[0] = boardId;
    out[1] = `S#${nonEmpty(frame.symbol, 'symbol')}`;
  }
  writeBook(out, frame.bids, BID_START, 'bids');
  writeBook(out, frame.offers, OFFER_START, 'offers');
  writeFields(out, frame as Record<string, unknown>, STOCK_ENTRIES);
  if (frame.polled) throw new FrameFormatError('a polled frame is written by formatPolledFrame', 'polled');
  return out.join('|');
}

/**
 * The wire text of a frame made from a polled snapshot (REST fallback): {@link POLLED_PREFIX}
 * then the V2 text of the frame, e.g. `P#MAIN|S#FPT|...` (102 fields after the prefix).
 * A kind of its own, so a reader never takes it for a pushed frame: `parseFrame` gives it
 * back with `polled: true`. Only V2-shaped frames have one.
 */
export function formatPolledFrame(frame: StockFrame): string {
  if (frame.generation !== 'v2') {
    throw new FrameFormatError('a polled frame is V2-shaped', 'generation');
  }
  const { polled: _polled, ...pushed } = frame;
  return POLLED_PREFIX + formatStockFrame(pushed);
}

/** Writes `I#<indexId>|value|...` with `fieldCount` fields (default: 20 plus `extra`). */
export function formatIndexFrame(frame: IndexFrame): string {
  return formatTagged(
    'I#',
    nonEmpty(frame.indexId, 'indexId'),
    frame as Record<string, unknown>,
    INDEX_ENTRIES,
  );
}

/** Writes `L#<stockId>|price|...` with `fieldCount` fields (default: 10 plus `extra`). */
export function formatTradeFrame(frame: TradeFrame): string {
  return formatTagged(
    'L#',
    nonEmpty(frame.stockId, 'stockId'),
    frame as Record<string, unknown>,
    TRADE_ENTRIES,
  );
}

function formatTagged(
  tag: string,
  id: string,
  frame: Record<string, unknown>,
  entries: [string, number][],
): string {
  const named = entries.length + 1;
  const extra = (frame.extra as string[] | undefined) ?? [];
  const count = (frame.fieldCount as number | undefined) ?? named + extra.length;
  const expected = count > named ? count - named : 0;
  if (!Number.isInteger(count) || count < 2 || extra.length !== expected) {
    throw new FrameFormatError(`fieldCount ${count} does not match the fields given`, 'fieldCount');
  }
  const out = new Array<string>(count).fill('');
  out[0] = tag + id;
  writeFields(out, frame, entries);
  for (let i = 0; i < extra.length; i++) out[named + i] = text(extra[i], 'extra');
  return out.join('|');
}

function writeBook(out: string[], levels: PriceLevel[] | undefined, first: number, name: string): void {
  const list = levels ?? [];
  if (list.length > BOOK_DEPTH)
    throw new FrameFormatError(`${name} has more than ${BOOK_DEPTH} levels`, name);
  for (let level = 0; level < list.length; level++) {
    const { price, volume } = list[level] ?? {};
    if (price !== undefined) out[first + 2 * level] = num(price, name);
    if (volume !== undefined) out[first + 2 * level + 1] = num(volume, name);
  }
}

function writeFields(out: string[], frame: Record<string, unknown>, entries: [string, number][]): void {
  for (const [name, index] of entries) {
    const value = frame[name];
    if (value === undefined) continue;
    if (index >= out.length) throw new FrameFormatError(`${name} is beyond fieldCount ${out.length}`, name);
    // A present text field must be non-empty: an empty field reads back as absent.
    out[index] = typeof value === 'number' ? num(value, name) : nonEmpty(value, name);
  }
}

function num(value: number, name: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FrameFormatError(`${name} is not a finite number: ${String(value)}`, name);
  }
  // The parser refuses integers it cannot hold exactly, so the formatter must not write one.
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new FrameFormatError(`${name} is an integer beyond 2^53: ${value}`, name);
  }
  return Object.is(value, -0) ? '-0' : String(value);
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new FrameFormatError(`${name} is not a string`, name);
  if (value.includes('|')) throw new FrameFormatError(`${name} contains a pipe`, name);
  return value;
}

function nonEmpty(value: unknown, name: string): string {
  const s = text(value, name);
  if (s.length === 0) throw new FrameFormatError(`${name} is empty`, name);
  return s;
}
