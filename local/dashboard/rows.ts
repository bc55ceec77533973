/**
 * Table items (attribute names of `core/derive/types.ts`) to the JSON shapes of the read
 * API (`docs/dashboard.md`). Every number the API returns is a number or `null`, never
 * absent, so the page can tell "not given" from zero.
 *
 * @example
 * toQuote({ pk: 'FPT', symbol: 'FPT', lastPrice: 76400, bids: [{ price: 76300, volume: 11800 }], ... });
 * // { symbol: 'FPT', lastPrice: 76400, bids: [{ price: 76300, volume: 11800 }, ...], bidShare: 0.16, ... }
 */
import { QUOTE_BOOK_LEVELS } from '../../core/derive/types.ts';

/**
 * A DynamoDB item as plain values (`unmarshall` of `@aws-sdk/util-dynamodb`). Numbers are JS
 * numbers: prices, volumes and VND values stay below 2^53.
 */
export type PlainItem = Record<string, unknown>;

export type BookLevel = { readonly price: number | null; readonly volume: number | null };

export type Quote = {
  readonly symbol: string;
  readonly exchange: string | null;
  /** Trading date (ICT) of the quote. */
  readonly date: string | null;
  /** Version time: the frame's server time, else its receive time (epoch ms). */
  readonly time: number | null;
  /** When the ingest host received the frame (epoch ms): what "feed down" is judged by. */
  readonly receivedAt: number | null;
  readonly session: string | null;
  readonly lastPrice: number | null;
  readonly lastVolume: number | null;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly average: number | null;
  readonly change: number | null;
  readonly changePercent: number | null;
  readonly totalVolume: number | null;
  readonly totalValue: number | null;
  readonly ceiling: number | null;
  readonly floor: number | null;
  readonly reference: number | null;
  /** Best three levels each side, level 1 first (always three entries). */
  readonly bids: readonly BookLevel[];
  readonly offers: readonly BookLevel[];
  /** Σ bid volumes / (Σ bid + Σ offer volumes) over the three levels; null when the book is empty. */
  readonly bidShare: number | null;
  readonly foreign: {
    readonly buyVolume: number | null;
    readonly buyValue: number | null;
    readonly sellVolume: number | null;
    readonly sellValue: number | null;
    readonly room: number | null;
  };
};

export type Bar = {
  /** `HH:MM` ICT, the minute's start. */
  readonly minute: string;
  /** Epoch ms of the minute's start. */
  readonly time: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number | null;
  readonly volume: number;
  readonly value: number;
  readonly trades: number;
};

export type Trade = {
  readonly time: number;
  readonly price: number | null;
  readonly quantity: number;
  readonly value: number | null;
  readonly cumVolume: number;
};

export type IndexValue = {
  readonly time: number;
  readonly value: number | null;
  readonly change: number | null;
  readonly changePercent: number | null;
  readonly totalVolume: number | null;
  readonly totalValue: number | null;
  readonly advances: number | null;
  readonly declines: number | null;
  readonly unchanged: number | null;
};

function num(item: PlainItem | undefined, name: string): number | null {
  const v = item?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(item: PlainItem, name: string): string | null {
  const v = item[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Book levels from a list of `{ price, volume }` maps, or from flat `bid1Price`-style attributes. */
function levels(item: PlainItem, side: 'bid' | 'offer'): BookLevel[] {
  const list = item[`${side}s`];
  const out: BookLevel[] = [];
  for (let i = 0; i < QUOTE_BOOK_LEVELS; i++) {
    if (Array.isArray(list)) {
      const level = list[i] as PlainItem | undefined;
      out.push({ price: num(level, 'price'), volume: num(level, 'volume') });
    } else {
      out.push({ price: num(item, `${side}${i + 1}Price`), volume: num(item, `${side}${i + 1}Volume`) });
    }
  }
  return out;
}

/** Bid share of the visible book depth, 0..1, or null when no volume is shown. */
export function bidShare(bids: readonly BookLevel[], offers: readonly BookLevel[]): number | null {
  const sum = (side: readonly BookLevel[]) => side.reduce((total, l) => total + (l.volume ?? 0), 0);
  const bid = sum(bids);
  const total = bid + sum(offers);
  return total > 0 ? bid / total : null;
}

export function toQuote(item: PlainItem): Quote {
  const bids = levels(item, 'bid');
  const offers = levels(item, 'offer');
  return {
    symbol: str(item, 'symbol') ?? String(item.pk),
    exchange: str(item, 'exchange'),
    date: str(item, 'tradingDate'),
    time: num(item, 'time'),
    receivedAt: num(item, 'receivedAt'),
    session: str(item, 'session'),
    lastPrice: num(item, 'lastPrice'),
    lastVolume: num(item, 'lastVolume'),
    open: num(item, 'openPrice'),
    high: num(item, 'high'),
    low: num(item, 'low'),
    average: num(item, 'averagePrice'),
    change: num(item, 'change'),
    changePercent: num(item, 'changePercent'),
    totalVolume: num(item, 'totalVolume'),
    totalValue: num(item, 'totalValue'),
    ceiling: num(item, 'ceiling'),
    floor: num(item, 'floor'),
    reference: num(item, 'reference'),
    bids,
    offers,
    bidShare: bidShare(bids, offers),
    foreign: {
      buyVolume: num(item, 'foreignBuyVolume'),
      buyValue: num(item, 'foreignBuyValue'),
      sellVolume: num(item, 'foreignSellVolume'),
      sellValue: num(item, 'foreignSellValue'),
      room: num(item, 'foreignRoom'),
    },
  };
}

export function toBar(item: PlainItem): Bar {
  const minute = str(item, 'minute') ?? String(item.sk);
  return {
    minute,
    time: num(item, 'start') ?? 0,
    open: num(item, 'open'),
    high: num(item, 'high'),
    low: num(item, 'low'),
    close: num(item, 'close'),
    volume: num(item, 'volume') ?? 0,
    value: num(item, 'value') ?? 0,
    trades: num(item, 'trades') ?? 0,
  };
}

export function toTrade(item: PlainItem): Trade {
  return {
    time: num(item, 'time') ?? 0,
    price: num(item, 'price'),
    quantity: num(item, 'quantity') ?? 0,
    value: num(item, 'value'),
    cumVolume: num(item, 'cumVolume') ?? 0,
  };
}

export function toIndexValue(item: PlainItem): IndexValue {
  return {
    time: num(item, 'time') ?? Number(item.sk),
    value: num(item, 'value'),
    change: num(item, 'change'),
    changePercent: num(item, 'changePercent'),
    totalVolume: num(item, 'totalVolume'),
    totalValue: num(item, 'totalValue'),
    advances: num(item, 'advances'),
    declines: num(item, 'declines'),
    unchanged: num(item, 'unchanged'),
  };
}
