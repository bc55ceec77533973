/**
 * The local stand-in for the event source mapping's SQS on-failure destination: one
 * JSON line per discarded batch, in the body shape Lambda sends to SQS (the batch's
 * shard and sequence range, not the records), plus the last error message, which
 * Lambda does not include but a user debugging locally wants.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchFailure } from './deliver-batch.ts';

export type FailureMessage = {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: BatchFailure['condition'];
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError?: string;
  };
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  readonly errorMessage?: string;
};

export class DeadLetterFile {
  private count = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Messages written by this process. */
  get written(): number {
    return this.count;
  }

  write(message: FailureMessage): void {
    appendFileSync(this.path, `${JSON.stringify(message)}\n`);
    this.count++;
  }

  /** Every message in the file (also those of earlier runs). */
  read(): FailureMessage[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FailureMessage);
  }
}

export function failureMessage(
  failure: BatchFailure,
  context: { shardId: string; streamArn: string; functionArn: string; requestId: string; now?: number },
): FailureMessage {
  const first = failure.records[0];
  const last = failure.records[failure.records.length - 1];
  return {
    version: '1.0',
    timestamp: new Date(context.now ?? Date.now()).toISOString(),
    requestContext: {
      requestId: context.requestId,
      functionArn: context.functionArn,
      condition: failure.condition,
      approximateInvokeCount: failure.invocations,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(failure.error ? { functionError: 'Unhandled' } : {}),
    },
    KinesisBatchInfo: {
      shardId: context.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.approximateArrivalTimestamp).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.approximateArrivalTimestamp).toISOString(),
      batchSize: failure.records.length,
      streamArn: context.streamArn,
    },
    ...(failure.error ? { errorMessage: failure.error } : {}),
  };
}
