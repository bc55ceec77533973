/**
 * The quotes row of a symbol from its latest frame.
 *
 * V2 frames (2025 on) are full snapshots: the quote is the last frame, field for field
 * (an empty field is absent in the quote too). V1 frames (2023) could be partial, so a V1
 * frame is laid over the previous quote of the same trading date: a field the frame
 * leaves empty keeps its previous value (a book level emptied by a partial V1 frame is
 * therefore not seen as emptied; the V1 feed gives no way to tell the two apart).
 *
 * @example
 * const quote = quoteFromFrame(frame, frame.serverTime ?? receivedAt, receivedAt, previousQuote);
 */
import type { PriceLevel, StockFrame } from '../iboard/types.ts';
import { tradingDateOf } from './trading-date.ts';
import { QUOTE_BOOK_LEVELS, type QuoteRow } from './types.ts';

/** Builds the quote of `frame` (time = its version time), merged over `base` for partial V1 frames. */
export function quoteFromFrame(
  frame: StockFrame,
  time: number,
  receivedAt: number,
  base?: QuoteRow,
): QuoteRow {
  const date = tradingDateOf(time);
  const over =
    frame.generation === 'v1' && base !== undefined && base.tradingDate === date ? base : undefined;
  const quote: Mutable<QuoteRow> = {
    symbol: frame.symbol,
    tradingDate: date,
    time,
    receivedAt,
    bids: topLevels(frame.bids, over?.bids),
    offers: topLevels(frame.offers, over?.offers),
  };
  // Assigned only when known: an unknown field is absent, as in the parser's frames (and
  // never deleted afterwards, which would slow every later access to the object).
  const take = <K extends QuoteField>(key: K, value: QuoteRow[K] | undefined) => {
    const known = value ?? over?.[key];
    if (known !== undefined) quote[key] = known;
  };
  take('serverTime', frame.serverTime);
  take('exchange', frame.exchange);
  take('session', frame.sessionCode);
  take('lastPrice', frame.lastPrice);
  take('lastVolume', frame.lastVolume);
  take('openPrice', frame.openPrice);
  take('high', frame.high);
  take('low', frame.low);
  take('averagePrice', frame.averagePrice);
  take('change', frame.change);
  take('changePercent', frame.changePercent);
  take('totalVolume', frame.totalVolume);
  take('totalValue', frame.totalValue);
  take('foreignBuyVolume', frame.foreignBuyVolume);
  take('foreignBuyValue', frame.foreignBuyValue);
  take('foreignSellVolume', frame.foreignSellVolume);
  take('foreignSellValue', frame.foreignSellValue);
  take('foreignRoom', frame.foreignRoom);
  take('ceiling', frame.ceiling);
  take('floor', frame.floor);
  take('reference', frame.reference);
  return quote;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type QuoteField = Exclude<
  keyof QuoteRow,
  'symbol' | 'tradingDate' | 'time' | 'receivedAt' | 'bids' | 'offers'
>;

function topLevels(levels: readonly PriceLevel[], base: readonly PriceLevel[] | undefined): PriceLevel[] {
  const out: PriceLevel[] = new Array(QUOTE_BOOK_LEVELS);
  for (let i = 0; i < QUOTE_BOOK_LEVELS; i++) {
    const level = levels[i] ?? {};
    const previous = base?.[i];
    const price = level.price ?? previous?.price;
    const volume = level.volume ?? previous?.volume;
    const merged: PriceLevel = {};
    if (price !== undefined) merged.price = price;
    if (volume !== undefined) merged.volume = volume;
    out[i] = merged;
  }
  return out;
}

/**
 * Whether version `(time, totalVolume)` is older than `(baseTime, baseVolume)`: an earlier
 * time, or the same time with a smaller cumulative volume. Equal versions are not older
 * (re-applying the same frame is harmless).
 */
export function isOlder(
  time: number,
  volume: number | undefined,
  baseTime: number,
  baseVolume?: number,
): boolean {
  if (time !== baseTime) return time < baseTime;
  return volume !== undefined && baseVolume !== undefined && volume < baseVolume;
}
