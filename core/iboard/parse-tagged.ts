/**
 * Index (`I#HNXIndex|207.63|...`) and trade (`L#hose:643|17550|...`) frames: a tag and id in
 * field 0, then a short layout ({@link INDEX_FIELD}, {@link TRADE_FIELD}); fields past the
 * layout are kept as text in `extra`.
 *
 * @example
 * parseTagged('L#hose:643|17550|300|11364900|11:29:53|17400|sd|150.00|0.9|U', 'trade'); // { kind: 'trade', price: 17550, ... }
 */
import { ends, notANumber, reject, scanFields } from './frame-text.ts';
import { parseNumberAt } from './parse-number.ts';
import {
  INDEX_FIELD,
  type IndexFrame,
  MAX_TAGGED_FIELDS,
  MIN_TAGGED_FIELDS,
  type RejectedFrame,
  TRADE_FIELD,
  type TradeFrame,
} from './types.ts';

/** Name and type of every field position, built once from the layout constants. */
type FieldTable = { names: string[]; text: Uint8Array };

function tableOf(layout: Record<string, number>, size: number, textNames: ReadonlySet<string>): FieldTable {
  const names = new Array<string>(size).fill('');
  const text = new Uint8Array(size);
  for (const [name, index] of Object.entries(layout)) {
    names[index] = name;
    text[index] = textNames.has(name) ? 1 : 0;
  }
  return { names, text };
}

const INDEX_TABLE = tableOf(INDEX_FIELD, 20, new Set(['indexId', 'time']));
const TRADE_TABLE = tableOf(TRADE_FIELD, 10, new Set(['stockId', 'time', 'side', 'changeType']));

/** Parses a frame whose `I#` or `L#` tag the caller recognised. */
export function parseTagged(text: string, kind: 'index' | 'trade'): IndexFrame | TradeFrame | RejectedFrame {
  const count = scanFields(text, MAX_TAGGED_FIELDS);
  if (count < MIN_TAGGED_FIELDS) {
    const got = count < 0 ? `more than ${MAX_TAGGED_FIELDS}` : `${count}`;
    return reject(
      `wrong field count for an ${kind} frame: ${got}, expected ${MIN_TAGGED_FIELDS}..${MAX_TAGGED_FIELDS}`,
      text,
    );
  }
  const id = text.slice(2, ends[0]);
  if (id.length === 0) return reject(`missing ${kind === 'index' ? 'index' : 'stock'} id`, text, 0);
  const table = kind === 'index' ? INDEX_TABLE : TRADE_TABLE;
  const frame: Record<string, unknown> =
    kind === 'index' ? { kind, indexId: id, fieldCount: count } : { kind, stockId: id, fieldCount: count };
  const bad = readFields(text, 1, count, table, frame);
  if (bad !== undefined) return notANumber(text, bad, table.names[bad]);
  if (count > table.names.length) {
    const extra: string[] = [];
    for (let i = table.names.length; i < count; i++) extra.push(text.slice(ends[i - 1] + 1, ends[i]));
    frame.extra = extra;
  }
  return frame as IndexFrame | TradeFrame;
}

/** Sets the named fields `[from, to)` on `target`; returns the index of a non-numeric field, if any. */
function readFields(
  text: string,
  from: number,
  to: number,
  table: FieldTable,
  target: Record<string, unknown>,
): number | undefined {
  const { names, text: isText } = table;
  const last = Math.min(to, names.length);
  for (let i = from; i < last; i++) {
    const start = ends[i - 1] + 1;
    const end = ends[i];
    if (start === end) continue;
    if (isText[i] === 1) {
      target[names[i]] = text.slice(start, end);
    } else {
      const value = parseNumberAt(text, start, end);
      if (Number.isNaN(value)) return i;
      target[names[i]] = value;
    }
  }
  return undefined;
}
