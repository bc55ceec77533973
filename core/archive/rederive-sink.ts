/**
 * The sink a re-derivation writes through: the real one, wrapped so that a past day can be
 * derived again.
 *
 * - **The day's own checkpoint.** The stored quote is a symbol's checkpoint; on a day
 *   re-derived later, it may be a later day's (the quote table holds the latest of all days),
 *   which would make every frame of the day stale. Stored quotes newer than the day are
 *   ignored, and the quotes derived during the run are kept in memory and read back by the
 *   next batch, so the run carries its own checkpoint from batch to batch. The stored quote
 *   is left alone when it is a later day's (counted as not newer); otherwise it is written
 *   over the checkpoint version it was derived from, as always. A stored quote of the day
 *   itself is honoured: a second run finds every frame stale and writes
 *   nothing, so re-derivation is idempotent.
 * - **Symbols.** With a symbol set, trades, bars, quotes and index rows of other instruments
 *   are derived (the records are replayed whole, so frame positions and reject keys stay
 *   right) but not written.
 * - **Counting.** Rows actually handed to the store, per table, and the reject keys written
 *   (to find the rejects rows that now parse).
 *
 * @example
 * const sink = rederiveSink(dynamoSink, { date: '2026-04-14', symbols: new Set(['FPT']) });
 * await transformBatch(records, shardId, sink);
 * sink.rows.trades; // trades written so far
 */
import type { BarWrite, QuoteKey, TransformSink, WriteResult } from '../derive/sink.ts';
import type { PerTable } from '../derive/transform-batch.ts';
import type { QuoteRow, RejectRow } from '../derive/types.ts';

export type RederiveSink = TransformSink & {
  /** Rows stored per table by this run. */
  readonly rows: PerTable;
  /** Sort keys of the reject rows this run wrote. */
  readonly rejectKeys: Set<string>;
};

export type RederiveSinkOptions = {
  readonly date: string;
  /** Only these instruments' rows are written. @default all */
  readonly symbols?: ReadonlySet<string>;
};

export function rederiveSink(inner: TransformSink, options: RederiveSinkOptions): RederiveSink {
  const { date, symbols } = options;
  const wanted = (id: string) => symbols === undefined || symbols.has(id);
  const derived = new Map<string, QuoteRow>();
  /** Symbols whose stored quote is a later day's: the latest state stays as it is. */
  const later = new Set<string>();
  const rows: PerTable = { trades: 0, quotes: 0, bars: 0, indices: 0, rejects: 0 };
  const rejectKeys = new Set<string>();

  /** Writes the wanted rows through `write`; counts what was stored. */
  async function through<T>(
    table: keyof PerTable,
    given: readonly T[],
    idOf: (row: T) => string,
    write: (rows: readonly T[]) => Promise<WriteResult<T>>,
  ): Promise<WriteResult<T>> {
    const kept = given.filter((row) => wanted(idOf(row)));
    const result = await write(kept);
    rows[table] += kept.length - result.failed.length - (result.notNewer ?? 0);
    return result;
  }

  return {
    name: `${inner.name} (re-derivation of ${date})`,
    rows,
    rejectKeys,
    async readQuotes(keys: readonly QuoteKey[]) {
      const missing = keys.filter((k) => !derived.has(k.symbol));
      const stored = missing.length > 0 ? await inner.readQuotes(missing) : new Map<string, QuoteRow>();
      const previous = new Map<string, QuoteRow>();
      for (const key of keys) {
        const quote = derived.get(key.symbol) ?? stored.get(key.symbol);
        if (quote && quote.tradingDate <= date) previous.set(key.symbol, quote);
        else if (quote) later.add(key.symbol);
      }
      return previous;
    },
    readBars: (keys) => inner.readBars(keys),
    writeTrades: (given) =>
      through(
        'trades',
        given,
        (r) => r.symbol,
        (r) => inner.writeTrades(r),
      ),
    writeBars: (given) =>
      through(
        'bars',
        given,
        (w: BarWrite) => w.bar.symbol,
        (r) => inner.writeBars(r),
      ),
    writeIndices: (given) =>
      through(
        'indices',
        given,
        (r) => r.indexId,
        (r) => inner.writeIndices(r),
      ),
    async writeRejects(given: readonly RejectRow[]) {
      const result = await inner.writeRejects(given);
      const failed = new Set(result.failed);
      for (const row of given) if (!failed.has(row)) rejectKeys.add(row.sk);
      rows.rejects += given.length - failed.size;
      return result;
    },
    async writeQuotes(given: readonly QuoteRow[]) {
      const kept = given.filter((q) => wanted(q.symbol) && !later.has(q.symbol));
      const result = await inner.writeQuotes(kept);
      const failed = new Set(result.failed);
      // The next batch starts from what was derived, stored or not (a later day's quote stays in the table).
      for (const quote of given) if (!failed.has(quote)) derived.set(quote.symbol, quote);
      rows.quotes += kept.length - failed.size - (result.notNewer ?? 0);
      const notNewer = (result.notNewer ?? 0) + given.filter((q) => later.has(q.symbol)).length;
      return { ...result, notNewer };
    },
    close: inner.close ? () => inner.close!() : undefined,
  };
}
