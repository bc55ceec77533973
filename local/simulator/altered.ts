/**
 * Data frames changed the way the real feed may change them while they stay data (the
 * simulator's `extraFieldRate`, `junkFieldRate` and `serverTimeSkewMs` knobs), applied to
 * V2 stock frames (`MAIN|S#FPT|...`), and their counterparts on MQTT `StockData` payloads
 * (below): a parser must take them, a pipeline store them.
 *
 * @example
 * withExtraField('MAIN|S#FPT|...|1776137400000'); // 'MAIN|S#FPT|...|1776137400000|1' (103 fields)
 * withJunkField(raw, 0); // field 71 (exercise price) = '1:2'
 * withServerTimeSkew(raw, 1500); // field 101 1.5 s later
 */
import protobuf from 'protobufjs';

/** What SSI would append: one more short field after field 101. */
const EXTRA_FIELD = '1';
/**
 * Junk seen in fields nothing stores, in turn: an exercise ratio in the exercise price
 * (field 71), a dash for "none" in the opening auction's change percent (field 99).
 */
const JUNK: readonly { field: number; value: string }[] = [
  { field: 71, value: '1:2' },
  { field: 99, value: '-' },
];
/** V2's server time (epoch ms), the last of its 102 fields. */
const SERVER_TIME_FIELD = 101;

/** Whether `raw` is a V2 stock frame (board id, then `S#`). */
export function isV2Stock(raw: string): boolean {
  const bar = raw.indexOf('|');
  return bar > 0 && raw.startsWith('S#', bar + 1);
}

export function withExtraField(raw: string): string {
  return `${raw}|${EXTRA_FIELD}`;
}

/** The frame with the `turn`-th junk value (cycling) in its field. */
export function withJunkField(raw: string, turn: number): string {
  const { field, value } = JUNK[turn % JUNK.length];
  return withField(raw, field, value);
}

/** The frame with its server time moved by `skewMs` (unchanged when it has none). */
export function withServerTimeSkew(raw: string, skewMs: number): string {
  const fields = raw.split('|');
  const time = Number(fields[SERVER_TIME_FIELD]);
  if (skewMs === 0 || fields[SERVER_TIME_FIELD] === '' || !Number.isFinite(time)) return raw;
  fields[SERVER_TIME_FIELD] = String(time + skewMs);
  return fields.join('|');
}

function withField(raw: string, field: number, value: string): string {
  const fields = raw.split('|');
  if (field >= fields.length) return raw;
  fields[field] = value;
  return fields.join('|');
}

/**
 * The MQTT analogues, on a `StockData` payload (spec "Other transports"; the message is
 * proto3, so a field may come in any order and a decoder skips the numbers it does not
 * know): an unknown field appended — in turn a varint in the unknown range 40–67 and a
 * string after the last known field (73), as if SSI added one — or an unexpected value in
 * a field that is decoded but mapped to nothing: an exercise ratio on a stock, a dash for
 * "none" as its ISIN (the V2 junk's counterparts). A changed wire type of a known field
 * is not among them: it makes the message undecodable (see `stock-data.proto`), a loss the
 * ingest task counts, not data.
 *
 * @example
 * withUnknownStockDataField(payload, 0); // payload + field 45 (varint 1)
 * withJunkStockDataField(payload, 0);    // payload + field 16 exerciseRatio "1:2"
 */
const UNKNOWN_FIELDS: readonly ((w: protobuf.Writer) => protobuf.Writer)[] = [
  (w) => w.uint32((45 << 3) | 0).uint32(1),
  (w) => w.uint32((74 << 3) | 2).string('x'),
];
const JUNK_VALUES: readonly ((w: protobuf.Writer) => protobuf.Writer)[] = [
  (w) => w.uint32((16 << 3) | 2).string('1:2'),
  (w) => w.uint32((2 << 3) | 2).string('-'),
];

export function withUnknownStockDataField(payload: Uint8Array, turn: number): Uint8Array {
  return appended(payload, UNKNOWN_FIELDS[turn % UNKNOWN_FIELDS.length]);
}

export function withJunkStockDataField(payload: Uint8Array, turn: number): Uint8Array {
  return appended(payload, JUNK_VALUES[turn % JUNK_VALUES.length]);
}

function appended(payload: Uint8Array, field: (w: protobuf.Writer) => protobuf.Writer): Uint8Array {
  const extra = field(protobuf.Writer.create()).finish();
  const out = new Uint8Array(payload.length + extra.length);
  out.set(payload);
  out.set(extra, payload.length);
  return out;
}
