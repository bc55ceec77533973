/**
 * The MQTT transport's `StockData` protobuf message (`stock-data.proto`, kept beside this
 * file and shipped beside the ingest bundle), decoded with protobufjs and turned into the
 * pipeline's {@link StockFrame} through the shared SSI field mapping (`ssi-quote.ts`), so
 * everything downstream reads the same model as a V2 frame. The symbol is not in the
 * message: it is the topic's (`s/<SYMBOL>/MAIN`).
 *
 * What a `StockData` message lacks compared to a V2 frame: the server send time (field
 * 101; `matchedTime` is the last match's time in an unknown unit, not a send time, so the
 * derivation dates these frames by their receipt), the opening-auction fields (96–100),
 * the foreign room (65), odd-lot and covered-warrant fields, book levels 4..10, and a
 * change percent of known scale (`priceChangePercent` is an integer of unknown scaling:
 * left out). proto3 leaves zero values off the wire, so a zero (no trade yet) comes out as
 * "not given".
 *
 * @example
 * const frame = decodeStockData('FPT', payload); // { ok: true, frame: { symbol: 'FPT', totalVolume: 3733300, ... } }
 * const payload = encodeStockData(frame);         // the simulator's side
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { type QuoteFrameResult, quoteToFrame, ssiQuoteOf } from './ssi-quote.ts';
import type { StockFrame } from './types.ts';

/** Where the schema is read from: beside this module (and beside `main.mjs` in the bundle). */
/** The live MQTT broker's public login (spec "Other transports"): the same for everyone, not a secret. */
export const MQTT_LOGIN = 'mqtt-ssi';

/** The MQTT topic of a symbol's main board (spec: `s/<SYMBOL>/MAIN`). */
export const mqttTopicOf = (symbol: string) => `s/${symbol}/MAIN`;

export const STOCK_DATA_PROTO_URL = new URL('./stock-data.proto', import.meta.url);

const StockData = protobuf
  .parse(readFileSync(STOCK_DATA_PROTO_URL, 'utf8'))
  .root.lookupType('iboard.StockData');

/** Fields decoded but not mapped onto the frame (see the module comment). */
const UNMAPPED = ['priceChangePercent', 'matchedTime', 'isin', 'exerciseRatio'] as const;

/** The message's fields as plain values (int64 as numbers), absent when not on the wire. */
export function decodeStockDataFields(payload: Uint8Array): Record<string, unknown> {
  const message = StockData.decode(payload);
  return StockData.toObject(message, { longs: Number, defaults: false });
}

/** A `StockData` payload of topic symbol `symbol` to a V2-shaped frame; never throws. */
export function decodeStockData(symbol: string, payload: Uint8Array): QuoteFrameResult {
  let fields: Record<string, unknown>;
  try {
    fields = decodeStockDataFields(payload);
  } catch (error) {
    return { ok: false, symbol, reason: `not a StockData message: ${(error as Error).message}` };
  }
  for (const name of UNMAPPED) delete fields[name];
  return quoteToFrame({ ...fields, stockSymbol: symbol });
}

/** A frame's mapped fields as a `StockData` payload (the simulator's broker publishes these). */
export function encodeStockData(frame: StockFrame): Uint8Array {
  const { stockSymbol: _symbol, tradingDate: _date, ...fields } = ssiQuoteOf(frame);
  for (const name of UNMAPPED) delete fields[name];
  // Integers only on this wire: the V2 average price is a decimal.
  if (typeof fields.avgPrice === 'number') fields.avgPrice = Math.round(fields.avgPrice);
  return StockData.encode(StockData.fromObject(fields)).finish();
}
