/**
 * The Kinesis event source mapping, run the way Lambda runs it: one poller per shard,
 * one batch in flight per shard (so per-shard order holds), a batch closed when it
 * reaches the batch size or the batching window ends, the handler invoked with a
 * Lambda-shaped event and context, and the checkpoint moved (and persisted) only
 * over records that are finished. See `batch-processor.ts` for retries and bisecting.
 *
 * A batch also closes before the event would pass Lambda's 6 MB invocation payload (as
 * AWS does: a backlog of large records gets smaller batches, never a failed invocation);
 * the records read beyond it open the next batch. See `payload-limit.ts`.
 *
 * Not emulated: ParallelizationFactor > 1 (treated as 1: one batch per shard at a time,
 * which keeps order the same way), enhanced fan-out.
 */
import { randomUUID } from 'node:crypto';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { backoffDelay } from '../../core/backoff.ts';
import type { StreamRecord } from './deliver-batch.ts';
import { type InvokeResult, processBatch } from './deliver-batch.ts';
import { type EventSourceOptions, type EventSourceStats, emptyStats } from './event-source-mapping-types.ts';
import { invokeBatch } from './invocation.ts';
import { eventRecordBytes, PayloadBatch } from './payload-limit.ts';

export type { EventSourceOptions, EventSourceStats, MappingSettings } from './event-source-mapping-types.ts';
export type { KinesisHandler } from './invocation.ts';

export class KinesisEventSource {
  readonly stats: EventSourceStats = emptyStats();
  private readonly pollers = new Map<string, Promise<void>>();
  /** Shards found at their end since the drain began. */
  private readonly drainedShards = new Set<string>();
  /** Iterator age per shard; 0 once a shard is read to its end. */
  private readonly ages = new Map<string, number>();
  /** Shards whose last read found nothing new, with nothing in flight. */
  private readonly idle = new Set<string>();
  private stopping = false;
  private draining = false;
  private wake: (() => void)[] = [];
  private refresher?: Promise<void>;

  constructor(private readonly options: EventSourceOptions) {}

  /** Every shard has been read to its end (what was put so far) and every batch is finished. */
  get caughtUp(): boolean {
    return this.pollers.size > 0 && [...this.pollers.keys()].every((shard) => this.idle.has(shard));
  }

  /** Reads the shard list and starts one poller per shard. */
  async start(): Promise<void> {
    await this.refreshShards();
    this.refresher = this.refreshLoop();
  }

  /**
   * Stops polling. With `drainMs`, first keeps going until every shard has been read
   * to its end (what was put so far) and every batch is finished, or the time is up.
   */
  async stop(drainMs = 0): Promise<{ drained: boolean }> {
    let drained = false;
    if (drainMs > 0) {
      this.draining = true;
      this.drainedShards.clear();
      this.wakeAll();
      drained = await Promise.race([this.waitCaughtUp().then(() => true), sleep(drainMs).then(() => false)]);
    }
    this.stopping = true;
    this.wakeAll();
    await Promise.all([...this.pollers.values(), this.refresher]);
    return { drained };
  }

  private async waitCaughtUp(): Promise<void> {
    while (this.drainedShards.size < this.pollers.size) await sleep(50);
  }

  private async refreshLoop(): Promise<void> {
    while (!this.stopping) {
      await this.sleepUnlessStopped(this.options.shardRefreshMs ?? 10_000);
      if (this.stopping) return;
      await this.refreshShards().catch((error: Error) => this.options.onError?.(error, '*'));
    }
  }

  private async refreshShards(): Promise<void> {
    const shards = await this.listShards();
    const open = new Set(shards.map((s) => s.ShardId!));
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.pollers.has(id) || this.options.checkpoints.get(this.options.streamName, id)?.finished)
        continue;
      // A child shard waits for its parent to be read to its end, as Lambda does.
      const parent = shard.ParentShardId;
      if (
        parent &&
        open.has(parent) &&
        !this.options.checkpoints.get(this.options.streamName, parent)?.finished
      ) {
        continue;
      }
      this.pollers.set(id, this.poll(id));
    }
    this.stats.shards = this.pollers.size;
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const out = await this.options.kinesis.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.options.streamName }),
      );
      shards.push(...(out.Shards ?? []));
      token = out.NextToken;
    } while (token);
    return shards;
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    const { streamName, settings, checkpoints, kinesis } = this.options;
    const after = checkpoints.get(streamName, shardId)?.sequenceNumber;
    const out = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: settings.startingPosition }),
      }),
    );
    return out.ShardIterator;
  }

  /** Reads one shard batch by batch, each handled before the next is read, until stopped or the shard ends. */
  private async poll(shardId: string): Promise<void> {
    const cursor: ShardCursor = { shardId, iterator: undefined, carry: [], ended: false };
    let failures = 0;
    while (!this.stopping) {
      try {
        cursor.iterator ??= await this.iterator(shardId);
        if (!cursor.iterator) break;
        const batch = await this.gatherBatch(cursor);
        failures = 0;
        if (batch.records.length) {
          this.stats.largestPayloadBytes = Math.max(this.stats.largestPayloadBytes, batch.bytes);
          const completed = await this.handle(shardId, batch.records);
          if (!completed) return;
        }
        if (cursor.ended && cursor.carry.length === 0) {
          await this.finishShard(shardId);
          return;
        }
      } catch (error) {
        // Expired iterator, emulator restarting, network: start again from the checkpoint
        // (which is before any carried record: those are read again).
        cursor.iterator = undefined;
        cursor.carry = [];
        cursor.ended = false;
        failures++;
        if (!(error instanceof ExpiredIteratorException)) this.options.onError?.(error as Error, shardId);
        await this.sleepUnlessStopped(
          backoffDelay(failures + 1, { baseMs: 200, maxMs: 5_000, jitter: 'none' }),
        );
      }
    }
  }

  /**
   * Reads records into a batch until it is full, its batching window ends, the shard
   * ends or the poller stops; records beyond the payload limit are left in `cursor.carry`.
   */
  private async gatherBatch(cursor: ShardCursor): Promise<PayloadBatch> {
    const { settings } = this.options;
    const batch = new PayloadBatch(settings.batchSize, this.options.payloadLimitBytes, (r) =>
      this.recordBytes(cursor.shardId, r),
    );
    cursor.carry = batch.take(cursor.carry);
    // The batching window runs from the arrival of the batch's first record: a record
    // that already waited (behind a slow batch) is not held back another window.
    let windowEnds = batch.records.length ? this.windowEnd(batch.records[0]) : Number.POSITIVE_INFINITY;
    while (!this.stopping && !batch.full && !cursor.ended) {
      const { records, next } = await this.getRecords(
        cursor.iterator,
        settings.batchSize - batch.records.length,
      );
      if (records.length) this.idle.delete(cursor.shardId);
      if (records.length && !batch.records.length) windowEnds = this.windowEnd(records[0]);
      cursor.carry = batch.take(records);
      if (!next) {
        cursor.ended = true;
        break;
      }
      cursor.iterator = next;
      if (batch.records.length && Date.now() >= windowEnds) break;
      if (!records.length) await this.waitForRecords(cursor.shardId, batch, windowEnds);
    }
    return batch;
  }

  /** When a batch whose first record is `first` closes at the latest. */
  private windowEnd(first: StreamRecord): number {
    return (
      Math.min(Date.now(), first.approximateArrivalTimestamp) + this.options.settings.maxBatchingWindowMs
    );
  }

  /** One GetRecords call: the records and the next iterator (none once the shard has ended). */
  private async getRecords(
    iterator: string | undefined,
    wanted: number,
  ): Promise<{ records: StreamRecord[]; next: string | undefined }> {
    const out: GetRecordsCommandOutput = await this.options.kinesis.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(10_000, wanted) }),
    );
    this.stats.millisBehindLatest = out.MillisBehindLatest ?? 0;
    const records = (out.Records ?? []).map(
      (r): StreamRecord => ({
        sequenceNumber: r.SequenceNumber!,
        partitionKey: r.PartitionKey!,
        data: r.Data!,
        approximateArrivalTimestamp: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
      }),
    );
    return { records, next: out.NextShardIterator };
  }

  /** Nothing new in the shard: marks it idle (and drained) when the batch is empty, then waits. */
  private async waitForRecords(shardId: string, batch: PayloadBatch, windowEnds: number): Promise<void> {
    if (!batch.records.length) {
      this.setAge(shardId, 0);
      this.idle.add(shardId);
      if (this.draining) this.drainedShards.add(shardId);
    }
    const idle = this.options.idlePollMs ?? 1_000;
    await this.sleepUnlessStopped(batch.records.length ? Math.min(idle, windowEnds - Date.now()) : idle);
  }

  /** The shard is read to its end and every batch finished: checkpoint it and start its children. */
  private async finishShard(shardId: string): Promise<void> {
    this.idle.add(shardId);
    this.options.checkpoints.finish(this.options.streamName, shardId);
    this.drainedShards.add(shardId);
    await this.refreshShards();
  }

  /** The record's share of the invocation payload, as the event the handler gets encodes it. */
  private recordBytes(shardId: string, record: StreamRecord): number {
    const { streamArn, roleArn } = this.options;
    return eventRecordBytes(record, { streamArn, shardId, roleArn });
  }

  private async handle(shardId: string, batch: StreamRecord[]): Promise<boolean> {
    const { settings, streamName, checkpoints } = this.options;
    this.stats.inFlight = batch.length;
    this.stats.batches++;
    const outcome = await processBatch(
      batch,
      {
        bisectOnError: settings.bisectOnError,
        maxRetryAttempts: settings.maxRetryAttempts,
        maxRecordAgeMs: settings.maxRecordAgeMs,
      },
      {
        invoke: (records) => this.invoke(shardId, records),
        finished: (last, count) => {
          checkpoints.advance(streamName, shardId, last.sequenceNumber);
          this.stats.records += count;
          this.stats.inFlight = Math.max(0, this.stats.inFlight - count);
          this.setAge(shardId, Date.now() - last.approximateArrivalTimestamp);
        },
        failed: async (failure) => {
          this.stats.failedRecords += failure.records.length;
          await this.options.onFailure(failure, shardId, randomUUID());
        },
        backoff: this.options.backoff,
        aborted: () => this.stopping,
      },
    );
    this.stats.invocations += outcome.invocations;
    if (this.options.countFrames) {
      for (const record of batch) this.stats.frames += safeCount(this.options.countFrames, record.data);
    }
    return outcome.completed;
  }

  private setAge(shardId: string, ageMs: number): void {
    this.ages.set(shardId, ageMs);
    this.stats.iteratorAgeMs = Math.max(...this.ages.values());
  }

  private invoke(shardId: string, records: readonly StreamRecord[]): Promise<InvokeResult> {
    const { fn, streamArn, roleArn, handler, settings } = this.options;
    return invokeBatch(
      handler,
      records,
      { streamArn, shardId, roleArn },
      fn,
      settings.reportBatchItemFailures,
    );
  }

  private sleepUnlessStopped(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake.push(done);
    });
  }

  private wakeAll(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }
}

/** A shard poller's read position: its iterator, the records carried into the next batch, whether it ended. */
type ShardCursor = { shardId: string; iterator: string | undefined; carry: StreamRecord[]; ended: boolean };

function safeCount(count: (data: Uint8Array) => number, data: Uint8Array): number {
  try {
    return count(data);
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
