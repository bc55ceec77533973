/**
 * The market overview from the quotes table: top gainers and losers by change %, the
 * most traded by value, and the breadth (advances, declines, unchanged). Only quotes of
 * the latest trading date present count: a symbol that has not traded since an earlier
 * day would otherwise show that day's move as today's.
 *
 * @example
 * computeOverview(quotes, { top: 10 });
 * // { date: '2026-04-14', symbols: 1650, advances: 700, ..., gainers: [{ symbol, changePercent, ... }] }
 */
import type { Quote } from './rows.ts';

export type MoverRow = {
  readonly symbol: string;
  readonly exchange: string | null;
  readonly lastPrice: number | null;
  readonly change: number | null;
  readonly changePercent: number | null;
  readonly totalVolume: number | null;
  readonly totalValue: number | null;
  readonly reference: number | null;
  readonly ceiling: number | null;
  readonly floor: number | null;
};

export type Overview = {
  /** Trading date the figures are for, or null when the table is empty. */
  readonly date: string | null;
  /** Newest quote receipt (or version) time in the table, epoch ms: the feed's heartbeat. */
  readonly lastUpdate: number | null;
  /** Quotes of `date`. */
  readonly symbols: number;
  readonly advances: number;
  readonly declines: number;
  readonly unchanged: number;
  /** Σ traded value of `date`, VND. */
  readonly totalValue: number;
  readonly gainers: readonly MoverRow[];
  readonly losers: readonly MoverRow[];
  readonly mostTraded: readonly MoverRow[];
};

export type OverviewOptions = {
  /** Rows per list. @default 10 */
  readonly top?: number;
};

/** When a quote was last touched: receipt time, else its version time. */
export function updateTime(q: Quote): number | null {
  return q.receivedAt ?? q.time;
}

export function computeOverview(quotes: readonly Quote[], options: OverviewOptions = {}): Overview {
  const top = options.top ?? 10;
  let lastUpdate: number | null = null;
  let date: string | null = null;
  for (const q of quotes) {
    const t = updateTime(q);
    if (t !== null && (lastUpdate === null || t > lastUpdate)) lastUpdate = t;
    if (q.date !== null && (date === null || q.date > date)) date = q.date;
  }
  const today = quotes.filter((q) => q.date === date);
  const traded = today.filter((q) => q.lastPrice !== null && q.changePercent !== null);
  const bySymbol = (a: MoverRow, b: MoverRow) => a.symbol.localeCompare(b.symbol);
  const value = (q: MoverRow) => q.totalValue ?? 0;
  const pct = (q: MoverRow) => q.changePercent ?? 0;
  return {
    date,
    lastUpdate,
    symbols: today.length,
    advances: traded.filter((q) => pct(q) > 0).length,
    declines: traded.filter((q) => pct(q) < 0).length,
    unchanged: traded.filter((q) => pct(q) === 0).length,
    totalValue: today.reduce((sum, q) => sum + value(q), 0),
    gainers: traded
      .filter((q) => pct(q) > 0)
      .sort((a, b) => pct(b) - pct(a) || value(b) - value(a) || bySymbol(a, b))
      .slice(0, top)
      .map(toMover),
    losers: traded
      .filter((q) => pct(q) < 0)
      .sort((a, b) => pct(a) - pct(b) || value(b) - value(a) || bySymbol(a, b))
      .slice(0, top)
      .map(toMover),
    mostTraded: today
      .filter((q) => value(q) > 0)
      .sort((a, b) => value(b) - value(a) || bySymbol(a, b))
      .slice(0, top)
      .map(toMover),
  };
}

function toMover(q: Quote): MoverRow {
  return {
    symbol: q.symbol,
    exchange: q.exchange,
    lastPrice: q.lastPrice,
    change: q.change,
    changePercent: q.changePercent,
    totalVolume: q.totalVolume,
    totalValue: q.totalValue,
    reference: q.reference,
    ceiling: q.ceiling,
    floor: q.floor,
  };
}
