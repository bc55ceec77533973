/**
 * The read API's operations, independent of HTTP: each takes checked input and returns
 * the JSON body (`docs/dashboard.md`). The quotes table scan behind the overview, the
 * status and unknown-symbol lookups is shared and cached for {@link SNAPSHOT_TTL_MS}.
 *
 * @example
 * const api = new DashboardApi({ reader, catalog });
 * await api.quote('FPT'); // { symbol: 'FPT', exchange: 'hose', quote: { lastPrice: 76400, ... } }
 */
import { ictDate } from '../../core/market/ict-time.ts';
import { DASHBOARD_ERROR_CODES, DashboardInputError } from './errors.ts';
import { computeOverview, type Overview } from './overview.ts';
import type { TableReader } from './reader.ts';
import {
  type Bar,
  type IndexValue,
  type Quote,
  type Trade,
  toBar,
  toIndexValue,
  toQuote,
  toTrade,
} from './rows.ts';
import { computeStatus, type MarketStatus } from './status.ts';
import type { SymbolCatalog, SymbolEntry } from './symbol-catalog.ts';
import { parseSymbol } from './validate.ts';

/** The indices shown, in order, with their display names (ids as the feed spells them). */
export const MAJOR_INDICES: readonly { readonly id: string; readonly name: string }[] = [
  { id: 'VNINDEX', name: 'VN-Index' },
  { id: 'VN30', name: 'VN30' },
  { id: 'HNXIndex', name: 'HNX-Index' },
  { id: 'HNX30', name: 'HNX30' },
  { id: 'HNXUpcomIndex', name: 'UPCoM-Index' },
  { id: 'VNXALL', name: 'VNXAllshare' },
];

/** One scan of ~1,650 quotes per second at most, however many pages and clients ask. */
export const SNAPSHOT_TTL_MS = 1_000;

export type DashboardApiOptions = {
  readonly reader: TableReader;
  readonly catalog: SymbolCatalog;
  /**
   * The clock the calendar is read with (the runtime may pass a simulated one). Feed
   * freshness is judged on the wall clock, which stamps `receivedAt`. @default Date.now
   */
  readonly now?: () => number;
  readonly indices?: readonly { readonly id: string; readonly name: string }[];
  /** @see computeStatus */
  readonly staleAfterMs?: number;
};

export type IndexSnapshot = {
  readonly id: string;
  readonly name: string;
  readonly latest: IndexValue | null;
  /** Last value of each minute, oldest first. */
  readonly series: readonly { readonly time: number; readonly value: number }[];
};

export class DashboardApi {
  readonly reader: TableReader;
  readonly catalog: SymbolCatalog;
  readonly now: () => number;
  readonly indexList: readonly { readonly id: string; readonly name: string }[];
  readonly staleAfterMs: number | undefined;
  #snapshot: { at: number; quotes: Promise<Quote[]> } | undefined;

  constructor(options: DashboardApiOptions) {
    this.reader = options.reader;
    this.catalog = options.catalog;
    this.now = options.now ?? Date.now;
    this.indexList = options.indices ?? MAJOR_INDICES;
    this.staleAfterMs = options.staleAfterMs;
  }

  /** All quotes rows, from one scan shared by every caller within {@link SNAPSHOT_TTL_MS}. */
  quotesSnapshot(): Promise<Quote[]> {
    const at = Date.now();
    if (!this.#snapshot || at - this.#snapshot.at >= SNAPSHOT_TTL_MS) {
      const quotes = this.reader.allQuotes().then((items) => {
        const rows = items.map(toQuote);
        this.catalog.add(
          rows.map((q): SymbolEntry => ({ symbol: q.symbol, exchange: q.exchange ?? undefined })),
        );
        return rows;
      });
      this.#snapshot = { at, quotes };
      quotes.catch(() => {
        if (this.#snapshot?.quotes === quotes) this.#snapshot = undefined;
      });
    }
    return this.#snapshot.quotes;
  }

  /** A checked symbol; a symbol missing from the list is looked for in the quotes table before a 400. */
  async checkSymbol(raw: string | null | undefined): Promise<string> {
    try {
      return parseSymbol(raw, this.catalog);
    } catch (error) {
      if (!(error instanceof DashboardInputError) || error.code !== DASHBOARD_ERROR_CODES.UNKNOWN_SYMBOL) {
        throw error;
      }
      await this.quotesSnapshot();
      return parseSymbol(raw, this.catalog);
    }
  }

  symbols(q: string, limit: number): { query: string; count: number; symbols: SymbolEntry[] } {
    const symbols = this.catalog.search(q, limit);
    return { query: q, count: symbols.length, symbols };
  }

  async quote(symbol: string): Promise<{ symbol: string; exchange: string | null; quote: Quote | null }> {
    const item = await this.reader.quote(symbol);
    const quote = item ? toQuote(item) : null;
    return { symbol, exchange: quote?.exchange ?? this.catalog.get(symbol)?.exchange ?? null, quote };
  }

  /** The trading date to show when none is asked: the symbol's latest quote's, else the market's. */
  async defaultDate(symbol?: string): Promise<string> {
    if (symbol) {
      const item = await this.reader.quote(symbol);
      if (typeof item?.tradingDate === 'string') return item.tradingDate;
    }
    return (await this.overview()).date ?? ictDate(this.now());
  }

  async bars(
    symbol: string,
    date: string | undefined,
    from: string,
    to: string,
  ): Promise<{ symbol: string; date: string; from: string; to: string; bars: Bar[] }> {
    const day = date ?? (await this.defaultDate(symbol));
    const items = await this.reader.bars(symbol, day, from, to);
    return { symbol, date: day, from, to, bars: items.map(toBar) };
  }

  async trades(
    symbol: string,
    date: string | undefined,
    limit: number,
  ): Promise<{ symbol: string; date: string; trades: Trade[] }> {
    const day = date ?? (await this.defaultDate(symbol));
    const items = await this.reader.latestTrades(symbol, day, limit);
    return { symbol, date: day, trades: items.map(toTrade) };
  }

  async indices(date: string | undefined): Promise<{ date: string; indices: IndexSnapshot[] }> {
    const day = date ?? (await this.defaultDate());
    const indices = await Promise.all(
      this.indexList.map(async ({ id, name }) => {
        const rows = (await this.reader.indexSeries(id, day)).map(toIndexValue);
        return { id, name, latest: rows.at(-1) ?? null, series: perMinute(rows) };
      }),
    );
    return { date: day, indices };
  }

  /** The newest row of each index on `date` (what the live stream diffs). */
  async latestIndices(date: string): Promise<{ id: string; name: string; latest: IndexValue | null }[]> {
    return Promise.all(
      this.indexList.map(async ({ id, name }) => {
        const row = await this.reader.latestIndex(id, date);
        return { id, name, latest: row ? toIndexValue(row) : null };
      }),
    );
  }

  async overview(top = 10): Promise<Overview> {
    return computeOverview(await this.quotesSnapshot(), { top });
  }

  async status(): Promise<MarketStatus> {
    const { lastUpdate } = await this.overview(0);
    return computeStatus({
      now: this.now(),
      wallNow: Date.now(),
      lastUpdate,
      staleAfterMs: this.staleAfterMs,
    });
  }
}

/** Keeps the last value of each minute: a day of index ticks becomes at most ~400 points. */
export function perMinute(rows: readonly IndexValue[]): { time: number; value: number }[] {
  const out: { time: number; value: number }[] = [];
  let lastMinute = Number.NaN;
  for (const row of rows) {
    if (row.value === null) continue;
    const minute = Math.floor(row.time / 60_000);
    const point = { time: row.time, value: row.value };
    if (minute === lastMinute) out[out.length - 1] = point;
    else out.push(point);
    lastMinute = minute;
  }
  return out;
}
