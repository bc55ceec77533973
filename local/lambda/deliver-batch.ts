/**
 * What Lambda's event source mapping does with one batch read from a shard: invoke,
 * honour a partial batch response, bisect on error, retry a finite number of times,
 * drop records older than the maximum record age, and hand what cannot be processed
 * to the on-failure destination. Records are finished strictly in order, so the
 * checkpoint only ever moves forward over records that are done.
 *
 * Retry accounting (documented choice): a failed invocation of a batch that is then
 * bisected does not consume the halves' retry budget, so a poison record is isolated
 * down to itself (at most log2(batch size) extra invocations) before its own retries
 * start; a partial batch response retries the records from the first failed one and
 * counts as one retry of them.
 */
import { backoffDelay } from '../../core/backoff.ts';

/** A record as read from GetRecords (SDK shape, arrival time in epoch ms). */
export type StreamRecord = {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp: number;
};

export type InvokeResult =
  | { readonly ok: true }
  /** The handler reported `batchItemFailures`; `failedFrom` is the index of the first failed record. */
  | { readonly ok: false; readonly kind: 'partial'; readonly failedFrom: number; readonly error: string }
  /** The handler threw, timed out, or answered something that is not a valid batch response. */
  | { readonly ok: false; readonly kind: 'error'; readonly error: string };

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export type BatchFailure = {
  readonly records: readonly StreamRecord[];
  readonly condition: FailureCondition;
  /** Invocations the records went through. */
  readonly invocations: number;
  readonly error?: string;
};

export type BatchSettings = {
  readonly bisectOnError: boolean;
  /** -1: retry until the records expire (Lambda's default). */
  readonly maxRetryAttempts: number;
  /** -1: no limit. */
  readonly maxRecordAgeMs: number;
};

export type BatchHooks = {
  readonly invoke: (records: readonly StreamRecord[]) => Promise<InvokeResult>;
  /** Called with the last record finished, in order; persist the checkpoint here. */
  readonly finished: (last: StreamRecord, count: number) => void | Promise<void>;
  readonly failed: (failure: BatchFailure) => Promise<void>;
  /** Waits before a retry. @default exponential from 100 ms, capped at 5 s */
  readonly backoff?: (attempt: number) => Promise<void>;
  readonly now?: () => number;
  /** Asked before each retry; when true the batch is left unfinished (shutdown). */
  readonly aborted?: () => boolean;
};

export type BatchOutcome = {
  readonly invocations: number;
  readonly failedRecords: number;
  readonly completed: boolean;
};

type Pending = { records: readonly StreamRecord[]; retries: number; invocations: number };

export async function processBatch(
  records: readonly StreamRecord[],
  settings: BatchSettings,
  hooks: BatchHooks,
): Promise<BatchOutcome> {
  const now = hooks.now ?? Date.now;
  const backoff = hooks.backoff ?? defaultBackoff;
  const queue: Pending[] = records.length ? [{ records, retries: 0, invocations: 0 }] : [];
  let invocations = 0;
  let failedRecords = 0;

  while (queue.length) {
    const item = queue[0];
    const expired = await dropExpired(item, settings.maxRecordAgeMs, now(), hooks);
    failedRecords += expired;
    if (expired > 0 && !item.records.length) {
      queue.shift();
      continue;
    }

    invocations++;
    item.invocations++;
    const result = await hooks.invoke(item.records);
    if (result.ok) {
      await hooks.finished(item.records[item.records.length - 1], item.records.length);
      queue.shift();
      continue;
    }

    if (result.kind === 'partial' && result.failedFrom > 0) {
      const done = item.records.slice(0, result.failedFrom);
      await hooks.finished(done[done.length - 1], done.length);
      item.records = item.records.slice(result.failedFrom);
    }
    if (result.kind === 'error' && settings.bisectOnError && item.records.length > 1) {
      const middle = Math.ceil(item.records.length / 2);
      queue.splice(
        0,
        1,
        { records: item.records.slice(0, middle), retries: 0, invocations: item.invocations },
        { records: item.records.slice(middle), retries: 0, invocations: item.invocations },
      );
      continue;
    }
    item.retries++;
    if (settings.maxRetryAttempts >= 0 && item.retries > settings.maxRetryAttempts) {
      await hooks.failed({
        records: item.records,
        condition: 'RetryAttemptsExhausted',
        invocations: item.invocations,
        error: result.error,
      });
      await hooks.finished(item.records[item.records.length - 1], item.records.length);
      failedRecords += item.records.length;
      queue.shift();
      continue;
    }
    if (hooks.aborted?.()) return { invocations, failedRecords, completed: false };
    await backoff(item.retries);
  }
  return { invocations, failedRecords, completed: true };
}

/** Hands the item's records older than the maximum age to `failed` and drops them; how many. */
async function dropExpired(item: Pending, maxAgeMs: number, now: number, hooks: BatchHooks): Promise<number> {
  const expired = expiredPrefix(item.records, maxAgeMs, now);
  if (expired === 0) return 0;
  const dropped = item.records.slice(0, expired);
  await hooks.failed({ records: dropped, condition: 'RecordAgeExceeded', invocations: item.invocations });
  await hooks.finished(dropped[dropped.length - 1], dropped.length);
  item.records = item.records.slice(expired);
  return dropped.length;
}

/** How many leading records are older than the maximum age (arrival times grow within a shard). */
function expiredPrefix(records: readonly StreamRecord[], maxAgeMs: number, now: number): number {
  if (maxAgeMs < 0) return 0;
  let count = 0;
  while (count < records.length && now - records[count].approximateArrivalTimestamp > maxAgeMs) count++;
  return count;
}

function defaultBackoff(attempt: number): Promise<void> {
  const ms = backoffDelay(attempt, { baseMs: 100, maxMs: 5_000, jitter: 'none' });
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Turns what a handler returned into an invoke result, as Lambda reads a
 * `ReportBatchItemFailures` response: an empty or absent list is success; an
 * identifier that is not in the batch (or empty) fails the whole batch.
 */
export function readBatchResponse(
  response: unknown,
  records: readonly StreamRecord[],
  reportBatchItemFailures: boolean,
): InvokeResult {
  if (!reportBatchItemFailures || response === undefined || response === null) return { ok: true };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures)) return { ok: false, kind: 'error', error: 'batchItemFailures is not a list' };
  if (!failures.length) return { ok: true };
  let first = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id ? records.findIndex((r) => r.sequenceNumber === id) : -1;
    if (index < 0) {
      return {
        ok: false,
        kind: 'error',
        error: `batchItemFailures names ${JSON.stringify(id)}, not in the batch`,
      };
    }
    first = Math.min(first, index);
  }
  return {
    ok: false,
    kind: 'partial',
    failedFrom: first,
    error: `handler reported ${failures.length} failed item(s) from ${records[first].sequenceNumber}`,
  };
}
