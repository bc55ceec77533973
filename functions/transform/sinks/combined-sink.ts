/**
 * The sink the `SINK` setting selects, assembled from the DynamoDB and CQL sinks:
 *
 * | SINK        | previous state read from | rows written to      | rejects |
 * |-------------|--------------------------|----------------------|---------|
 * | `dynamodb`  | DynamoDB                 | DynamoDB             | DynamoDB |
 * | `keyspaces` | Keyspaces                | Keyspaces            | DynamoDB |
 * | `both`      | DynamoDB                 | DynamoDB + Keyspaces | DynamoDB |
 *
 * With two row stores a row counts as written only when both took it: a failure on
 * either side hands it back as failed, the batch is retried from there, and both stores
 * receive the same idempotent writes again.
 *
 * Bars and quotes are the state the next batch reads back (watermarks, checkpoints), so
 * for them the store it is read from is written **last**, and only with the rows every
 * other store took. Were it written first, a retry after a failed Keyspaces write would
 * read DynamoDB's moved watermark, find nothing new to merge and never rewrite the
 * Keyspaces bar; written last, the reader's state never gets ahead of another store's,
 * and the retry derives and writes the same rows to both. Trades and indices are plain
 * idempotent puts, written to both at once.
 *
 * @example
 * const sink = combineSinks({ name: 'both', reader: dynamo, writers: [dynamo, keyspaces], rejects: dynamo });
 */
import type { TransformSink, WriteResult } from '../../../core/derive/sink.ts';
import type { RowSink } from './keyspaces-sink.ts';

export type CombineOptions = {
  readonly name: string;
  readonly reader: Pick<TransformSink, 'readQuotes' | 'readBars'>;
  readonly writers: readonly RowSink[];
  readonly rejects: Pick<TransformSink, 'writeRejects'>;
  readonly close?: () => Promise<void>;
};

type WriteMethod = 'writeTrades' | 'writeBars' | 'writeIndices' | 'writeQuotes';

export function combineSinks(options: CombineOptions): TransformSink {
  const { reader, writers, rejects } = options;
  const call = <M extends WriteMethod>(writer: RowSink, method: M, rows: readonly unknown[]) =>
    (writer[method] as (r: readonly unknown[]) => Promise<WriteResult<unknown>>).call(writer, rows);
  const all =
    <M extends WriteMethod>(method: M) =>
    async (rows: Parameters<RowSink[M]>[0]) =>
      merge(await Promise.all(writers.map((w) => call(w, method, rows)))) as never;
  // The reader last; the others (in the given order) first, each with what the previous took.
  const ordered = [...writers.filter((w) => w !== reader), ...writers.filter((w) => w === reader)];
  const readerLast =
    <M extends WriteMethod>(method: M) =>
    async (rows: Parameters<RowSink[M]>[0]) => {
      const results: WriteResult<unknown>[] = [];
      let pending: readonly unknown[] = rows;
      for (const writer of ordered) {
        const result = await call(writer, method, pending);
        results.push(result);
        const failed = new Set(result.failed);
        if (failed.size > 0) pending = pending.filter((row) => !failed.has(row));
      }
      return merge(results) as never;
    };
  return {
    name: options.name,
    readQuotes: (keys) => reader.readQuotes(keys),
    readBars: (keys) => reader.readBars(keys),
    writeTrades: all('writeTrades'),
    writeBars: readerLast('writeBars'),
    writeIndices: all('writeIndices'),
    writeQuotes: readerLast('writeQuotes'),
    writeRejects: (rows) => rejects.writeRejects(rows),
    close: options.close,
  };
}

/** Union of the failed rows (by identity), sums of the counters. */
export function merge<T>(results: readonly WriteResult<T>[]): WriteResult<T> {
  if (results.length === 1) return results[0];
  const failed = new Set<T>();
  let error: unknown;
  let retries = 0;
  let writeUnits = 0;
  let requests = 0;
  let notNewer = 0;
  for (const result of results) {
    for (const row of result.failed) failed.add(row);
    error ??= result.error;
    retries += result.retries;
    writeUnits += result.writeUnits;
    requests += result.requests;
    notNewer += result.notNewer ?? 0;
  }
  return { failed: [...failed], error, retries, writeUnits, requests, notNewer };
}
