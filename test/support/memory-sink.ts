/**
 * An in-memory implementation of the transform's `TransformSink` port, with the same
 * conditions as the real sinks (quotes only move forward, bars only on their watermark)
 * and injectable transient write failures. Fast tests of the orchestration use it; the
 * DynamoDB sink itself is tested against dynalite.
 */
import { type BarKey, barId } from '../../core/derive/bars.ts';
import type { BarWrite, QuoteKey, TransformSink, WriteResult } from '../../core/derive/sink.ts';
import type { RowTable } from '../../core/derive/transform-batch.ts';
import type { BarRow, IndexRow, QuoteRow, RejectRow, TradeRow } from '../../core/derive/types.ts';
import { dayPartition, indexSortKey } from '../../core/tables.ts';

type Fault = { table: RowTable; when: (row: unknown) => boolean; times: number };

export class MemorySink implements TransformSink {
  readonly name = 'memory';
  readonly trades = new Map<string, TradeRow>();
  readonly quotes = new Map<string, QuoteRow>();
  readonly bars = new Map<string, BarRow>();
  readonly indices = new Map<string, IndexRow>();
  readonly rejects = new Map<string, RejectRow>();
  private faults: Fault[] = [];

  /** The next `times` writes of rows of `table` matching `when` fail as transient. */
  failWrites(table: RowTable, when: (row: never) => boolean, times = Number.POSITIVE_INFINITY): void {
    this.faults.push({ table, when: when as (row: unknown) => boolean, times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * A comparable copy of every table. The checkpoint's version counts the quote's writes,
   * so it depends on how the frames were batched: left out.
   */
  snapshot() {
    const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const quotes = sorted(this.quotes).map(([key, quote]) => {
      if (!quote.checkpoint) return [key, quote] as const;
      const { version: _, ...checkpoint } = quote.checkpoint;
      return [key, { ...quote, checkpoint }] as const;
    });
    return {
      trades: sorted(this.trades),
      quotes,
      bars: sorted(this.bars),
      indices: sorted(this.indices),
      rejects: sorted(this.rejects),
    };
  }

  async readQuotes(keys: readonly QuoteKey[]): Promise<Map<string, QuoteRow>> {
    const out = new Map<string, QuoteRow>();
    for (const { symbol } of keys) {
      const quote = this.quotes.get(symbol);
      if (quote) out.set(symbol, quote);
    }
    return out;
  }

  async readBars(keys: readonly BarKey[]): Promise<Map<string, BarRow>> {
    const out = new Map<string, BarRow>();
    for (const key of keys) {
      const bar = this.bars.get(barId(key));
      if (bar) out.set(barId(key), bar);
    }
    return out;
  }

  async writeTrades(rows: readonly TradeRow[]) {
    return this.write('trades', rows, (row) =>
      this.trades.set(`${dayPartition(row.symbol, row.time)}|${row.sk}`, row),
    );
  }

  async writeBars(rows: readonly BarWrite[]) {
    return this.write('bars', rows, ({ bar, expectedLastTrade }) => {
      const id = barId(bar);
      if (this.bars.get(id)?.lastTrade !== expectedLastTrade) return false;
      this.bars.set(id, bar);
    });
  }

  async writeIndices(rows: readonly IndexRow[]) {
    return this.write('indices', rows, (row) =>
      this.indices.set(`${dayPartition(row.indexId, row.time)}|${indexSortKey(row.time)}`, row),
    );
  }

  async writeRejects(rows: readonly RejectRow[]) {
    return this.write('rejects', rows, (row) => this.rejects.set(`${row.tradingDate}|${row.sk}`, row));
  }

  async writeQuotes(rows: readonly QuoteRow[]) {
    const notNewer = 0;
    const result = this.write('quotes', rows, (row) => {
      // As the DynamoDB sink: stored only over the checkpoint version it was derived from.
      const stored = this.quotes.get(row.symbol)?.checkpoint?.version;
      if (stored !== undefined && stored !== (row.checkpoint?.version ?? 1) - 1) return false;
      this.quotes.set(row.symbol, row);
    });
    return { ...result, notNewer };
  }

  /** Applies `put` to each row unless a fault matches; `put` returning false is a lost race (failed). */
  private write<T>(table: RowTable, rows: readonly T[], put: (row: T) => unknown): WriteResult<T> {
    const failed: T[] = [];
    for (const row of rows) {
      const fault = this.faults.find((f) => f.table === table && f.times > 0 && f.when(row));
      if (fault) {
        fault.times--;
        failed.push(row);
        continue;
      }
      if (put(row) === false) failed.push(row);
    }
    return {
      failed,
      retries: 0,
      writeUnits: 0,
      requests: rows.length,
      error: failed.length > 0 ? new Error('injected') : undefined,
    };
  }
}
