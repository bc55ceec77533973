/**
 * Sends packed records to Kinesis with PutRecords, keeping each partition key's records
 * in order and losing none.
 *
 * - A request carries at most 500 records and 5 MiB (the PutRecords limits).
 * - Order: at most one record per partition key is in flight at a time, so a refused
 *   entry can never be overtaken by a later record of the same key (PutRecords does
 *   not stop at a failed entry). Requests for different keys overlap (`maxInFlight`).
 * - A partial failure re-sends only the refused entries, after a per-key backoff
 *   (throttling is per shard, so other keys carry on).
 * - A failed request (endpoint down, throttled beyond the SDK's own retries) pauses all
 *   sending with a capped exponential backoff; nothing is dropped, ever: the bounded
 *   buffer upstream decides what happens when this falls behind.
 *
 * @example
 * const producer = new KinesisProducer({ client, streamName, metrics, logger, onAck });
 * producer.enqueue(packer.flush());
 * await producer.drain(25_000); // true once everything is acknowledged
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { Backoff } from '../core/backoff.ts';
import type { PackedRecord } from '../core/records/index.ts';
import type { IngestLogger } from './logger.ts';
import type { IngestMetrics } from './metrics.ts';

/** PutRecords limits: 500 records and 5 MiB (data plus partition keys) per request. */
export const PUT_RECORDS_MAX_ENTRIES = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

export type ProducerOptions = {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
  /** Called once per record, when Kinesis has acknowledged it. */
  readonly onAck: (record: PackedRecord, ackedAt: number) => void;
  /** Concurrent PutRecords requests. @default 4 */
  readonly maxInFlight?: number;
  /** First retry delay after a refused entry or a failed request. @default 100 */
  readonly retryBaseMs?: number;
  /** Retry delay cap. @default 5000 */
  readonly retryMaxMs?: number;
};

type Entry = { readonly record: PackedRecord; attempts: number };
type KeyState = { readonly queue: Entry[]; busy: boolean; retryAt: number; readonly backoff: Backoff };

export class KinesisProducer {
  private readonly keys = new Map<string, KeyState>();
  private readonly maxInFlight: number;
  private readonly requestBackoff: Backoff;
  private inFlight = 0;
  private entries = 0;
  private waiting = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private refusedStreak = 0;
  private failedStreak = 0;
  private drainWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: ProducerOptions) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.requestBackoff = this.newBackoff();
  }

  /** Records queued or in flight, not yet acknowledged. */
  get pendingRecords(): number {
    return this.entries;
  }

  /** Records queued and not in flight (what a linger flush would queue behind). */
  get waitingRecords(): number {
    return this.waiting;
  }

  enqueue(records: readonly PackedRecord[]): void {
    for (const record of records) {
      let state = this.keys.get(record.partitionKey);
      if (!state) {
        state = { queue: [], busy: false, retryAt: 0, backoff: this.newBackoff() };
        this.keys.set(record.partitionKey, state);
      }
      state.queue.push({ record, attempts: 0 });
      this.entries++;
      this.waiting++;
    }
    this.options.metrics.recordsQueued = this.entries;
    if (records.length > 0) this.dispatch();
  }

  /** Resolves true once nothing is pending, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.entries === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiters = this.drainWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.drainWaiters.push(done);
    });
  }

  /** Stops sending (pending records stay unsent); for a shutdown whose deadline passed. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dispatch(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (now < this.pausedUntil) {
      this.wakeAt(this.pausedUntil);
      return;
    }
    let nextRetry = Number.POSITIVE_INFINITY;
    while (this.inFlight < this.maxInFlight) {
      const batch: Entry[] = [];
      let bytes = 0;
      for (const [key, state] of this.keys) {
        if (state.busy || state.queue.length === 0) continue;
        if (state.retryAt > now) {
          nextRetry = Math.min(nextRetry, state.retryAt);
          continue;
        }
        const entry = state.queue[0];
        const size = entry.record.data.length + Buffer.byteLength(key);
        if (batch.length === PUT_RECORDS_MAX_ENTRIES || bytes + size > PUT_RECORDS_MAX_BYTES) break;
        batch.push(entry);
        bytes += size;
        state.busy = true;
      }
      if (batch.length === 0) break;
      void this.send(batch);
    }
    if (Number.isFinite(nextRetry)) this.wakeAt(nextRetry);
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.dispatch();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private async send(batch: Entry[]): Promise<void> {
    const { metrics } = this.options;
    this.inFlight++;
    this.waiting -= batch.length;
    metrics.requests++;
    for (const entry of batch) {
      if (entry.attempts++ > 0) metrics.retriedEntries++;
    }
    try {
      const output = await this.options.client.send(
        new PutRecordsCommand({
          StreamName: this.options.streamName,
          Records: batch.map((e) => ({ Data: e.record.data, PartitionKey: e.record.partitionKey })),
        }),
      );
      this.settle(batch, output.Records ?? []);
    } catch (error) {
      this.requestFailed(batch, error as Error);
    } finally {
      this.inFlight--;
      this.options.metrics.recordsQueued = this.entries;
      if (this.entries === 0 && this.inFlight === 0) this.notifyDrained();
      this.dispatch();
    }
  }

  private settle(batch: Entry[], results: PutRecordsResultEntry[]): void {
    const { metrics } = this.options;
    const ackedAt = Date.now();
    const refused: string[] = [];
    if (this.failedStreak > 0) {
      this.options.logger.info('kinesis reachable again', { failedRequests: this.failedStreak });
      this.failedStreak = 0;
    }
    this.requestBackoff.reset();
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i];
      const key = entry.record.partitionKey;
      const state = this.keys.get(key) as KeyState;
      state.busy = false;
      // A missing result entry (never seen from Kinesis) is treated as a refusal: re-sent, not lost.
      const errorCode = results[i] ? results[i].ErrorCode : 'MissingResult';
      if (errorCode) {
        refused.push(errorCode);
        metrics.failedEntries++;
        if (errorCode === 'ProvisionedThroughputExceededException') metrics.throttledEntries++;
        state.retryAt = ackedAt + state.backoff.next();
        this.waiting++;
        continue;
      }
      state.queue.shift();
      state.backoff.reset();
      state.retryAt = 0;
      this.entries--;
      metrics.recordsPut++;
      metrics.bytesPut += entry.record.data.length;
      metrics.framesPut += entry.record.frames;
      this.options.onAck(entry.record, ackedAt);
    }
    this.noteRefusals(refused);
  }

  /** Logs the first refusal of a streak as a warning, the rest at debug, and the recovery once. */
  private noteRefusals(refused: string[]): void {
    if (refused.length === 0) {
      if (this.refusedStreak > 0) {
        this.options.logger.info('kinesis accepting all entries again', {
          refusedEntries: this.refusedStreak,
        });
        this.refusedStreak = 0;
      }
      return;
    }
    const log = this.refusedStreak === 0 ? this.options.logger.warn : this.options.logger.debug;
    log.call(this.options.logger, 'kinesis refused entries, re-sending them', {
      refused: refused.length,
      codes: [...new Set(refused)],
    });
    this.refusedStreak += refused.length;
  }

  private requestFailed(batch: Entry[], error: Error): void {
    const { metrics, logger } = this.options;
    metrics.requestErrors++;
    for (const entry of batch) {
      (this.keys.get(entry.record.partitionKey) as KeyState).busy = false;
    }
    this.waiting += batch.length;
    const delay = this.requestBackoff.next();
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
    const details = {
      error: error.name,
      reason: error.message,
      retryInMs: delay,
      pendingRecords: this.entries,
    };
    if (this.failedStreak === 0) logger.error('kinesis request failed, retrying', details);
    else logger.debug('kinesis request failed again', { ...details, attempt: this.failedStreak + 1 });
    this.failedStreak++;
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private newBackoff(): Backoff {
    return new Backoff({ baseMs: this.options.retryBaseMs ?? 100, maxMs: this.options.retryMaxMs ?? 5_000 });
  }
}
