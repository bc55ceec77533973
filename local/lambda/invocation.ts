/**
 * Lambda-shaped inputs for handlers run in-process: the Kinesis event Lambda's
 * event source mapping builds from a batch of GetRecords results (the transform's
 * `functions/transform/kinesis-event.ts` factory), and the invocation context.
 */
import { randomUUID } from 'node:crypto';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { kinesisEventFrom } from '../../functions/transform/kinesis-event.ts';
import { type InvokeResult, readBatchResponse, type StreamRecord } from './deliver-batch.ts';

export type EventSourceIdentity = {
  readonly streamArn: string;
  readonly shardId: string;
  /** The function's execution role (`invokeIdentityArn`). */
  readonly roleArn: string;
};

/** The event Lambda delivers for a batch: built by the transform's own factory, so tests and runtime agree. */
export function kinesisEvent(
  records: readonly StreamRecord[],
  source: EventSourceIdentity,
): KinesisStreamEvent {
  return kinesisEventFrom(
    records.map((r) => ({
      SequenceNumber: r.sequenceNumber,
      PartitionKey: r.partitionKey,
      Data: r.data,
      ApproximateArrivalTimestamp: new Date(r.approximateArrivalTimestamp),
    })),
    source.shardId,
    source.streamArn,
    { roleArn: source.roleArn },
  );
}

export type FunctionIdentity = {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly timeoutMs: number;
};

export function lambdaContext(fn: FunctionIdentity, now: () => number = Date.now): Context {
  const deadline = now() + fn.timeoutMs;
  const unsupported = () => {
    throw new Error(
      'the embedded runtime supports async handlers only (done/fail/succeed are not available)',
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export type KinesisHandler = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

/**
 * One invocation as Lambda makes it: the event and a fresh context, the function's
 * timeout enforced (a handler still running then is reported as timed out and its
 * batch retried; in-process it cannot be killed, so it may still finish later), and
 * the answer read as a partial batch response.
 */
export async function invokeBatch(
  handler: KinesisHandler,
  records: readonly StreamRecord[],
  source: EventSourceIdentity,
  fn: FunctionIdentity,
  reportBatchItemFailures: boolean,
): Promise<InvokeResult> {
  const event = kinesisEvent(records, source);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`)),
        fn.timeoutMs,
      );
    });
    const response = await Promise.race([handler(event, lambdaContext(fn)), timeout]);
    return readBatchResponse(response, records, reportBatchItemFailures);
  } catch (error) {
    return { ok: false, kind: 'error', error: (error as Error)?.message ?? String(error) };
  } finally {
    clearTimeout(timer);
  }
}
