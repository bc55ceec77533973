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
 * @example
 * const sink = combineSinks({ name: 'both', reader: dynamo, writers: [dynamo, keyspaces], rejects: dynamo });
 */
import type { TransformSink, WriteResult } from '../../core/derive/sink.ts';
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
  const all =
    <M extends WriteMethod>(method: M) =>
    async (rows: Parameters<RowSink[M]>[0]) => {
      const results = await Promise.all(
        writers.map((w) => (w[method] as (r: typeof rows) => Promise<WriteResult<unknown>>)(rows)),
      );
      return merge(results) as never;
    };
  return {
    name: options.name,
    readQuotes: (keys) => reader.readQuotes(keys),
    readBars: (keys) => reader.readBars(keys),
    writeTrades: all('writeTrades'),
    writeBars: all('writeBars'),
    writeIndices: all('writeIndices'),
    writeQuotes: all('writeQuotes'),
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
