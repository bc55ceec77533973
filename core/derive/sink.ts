/**
 * The row store the transform writes to, as a port: `functions/transform/sinks/` implements it for
 * DynamoDB, Keyspaces (CQL) and both. Adapters translate their SDK errors:
 *
 * - a transient failure (throttling, timeout, 5xx, network) of a **write** is returned as
 *   the rows that could not be written (after the adapter's own retries), so the batch
 *   can report the right `batchItemFailures`;
 * - a transient failure of a **read** throws {@link TransientSinkError};
 * - anything else (missing table, access denied, a bug) is thrown as is: the invocation
 *   fails and Lambda retries the whole batch.
 *
 * @example
 * const result = await sink.writeTrades(rows);
 * if (result.failed.length > 0) retryFrom(firstRecordOf(result.failed));
 */
import { FunctionError } from '../errors.ts';
import type { BarKey } from './bars.ts';
import type { BarRow, IndexRow, QuoteRow, RejectRow, TradeRow } from './types.ts';

/** The quote to read as a symbol's previous state (the date matters to the CQL layout only). */
export type QuoteKey = { readonly symbol: string; readonly tradingDate: string };

/** A merged bar and the watermark it was merged onto (`undefined`: there was no stored bar). */
export type BarWrite = { readonly bar: BarRow; readonly expectedLastTrade?: string };

export type WriteResult<T> = {
  /** Rows not written because of a transient failure (same objects as given). */
  readonly failed: readonly T[];
  /** The last transient error seen, for the log. */
  readonly error?: unknown;
  /** Requests re-sent: unprocessed items, and transient errors retried by the SDK or the adapter. */
  readonly retries: number;
  /** Write capacity units consumed, where the store reports them (DynamoDB). */
  readonly writeUnits: number;
  /** Write requests sent (DynamoDB: PutItem/BatchWriteItem calls; CQL: statements or batches). */
  readonly requests: number;
  /** Quotes not written because the stored one is newer (not a failure). */
  readonly notNewer?: number;
};

export type TransformSink = {
  readonly name: string;
  /** Stored quotes by symbol (a missing symbol has no previous state). */
  readQuotes(keys: readonly QuoteKey[]): Promise<Map<string, QuoteRow>>;
  /** Stored bars by `barId`. */
  readBars(keys: readonly BarKey[]): Promise<Map<string, BarRow>>;
  writeTrades(rows: readonly TradeRow[]): Promise<WriteResult<TradeRow>>;
  /** Each bar written only if its stored watermark is still `expectedLastTrade`. */
  writeBars(rows: readonly BarWrite[]): Promise<WriteResult<BarWrite>>;
  writeIndices(rows: readonly IndexRow[]): Promise<WriteResult<IndexRow>>;
  writeRejects(rows: readonly RejectRow[]): Promise<WriteResult<RejectRow>>;
  /** Each quote written only if it is not older than the stored one. */
  writeQuotes(rows: readonly QuoteRow[]): Promise<WriteResult<QuoteRow>>;
  /** Releases connections (CQL); a no-op for DynamoDB. */
  close?(): Promise<void>;
};

/** A read failed for a reason that may pass (throttling, timeout, 5xx): retry the batch. */
export class TransientSinkError extends FunctionError {
  readonly code = 'SINK_TRANSIENT';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientSinkError';
  }
}
