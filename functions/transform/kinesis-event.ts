/**
 * The Lambda Kinesis event for records read with GetRecords: the shape Lambda's event
 * source mapping delivers (base64 data, sequence number, partition key, arrival time in
 * seconds with a fraction, `eventID` = `<shardId>:<sequenceNumber>`). Tests and the
 * local runtime drive the transform with it, so its input is real stream output.
 *
 * @example
 * const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
 * await handler(kinesisEventFrom(Records ?? [], 'shardId-000000000000', streamArn));
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A record as `GetRecords` returns it (the SDK's `_Record`, the fields used here). */
export type GetRecordsRecord = {
  readonly SequenceNumber?: string;
  readonly ApproximateArrivalTimestamp?: Date;
  readonly Data?: Uint8Array;
  readonly PartitionKey?: string;
};

export type KinesisEventOptions = {
  /** The function's role, `invokeIdentityArn`. @default a placeholder role of the stream's account */
  readonly roleArn?: string;
};

export function kinesisEventFrom(
  records: readonly GetRecordsRecord[],
  shardId: string,
  streamArn: string,
  options: KinesisEventOptions = {},
): KinesisStreamEvent {
  // arn:aws:kinesis:<region>:<account>:stream/<name>
  const [, , , region = '', account = ''] = streamArn.split(':');
  const roleArn = options.roleArn ?? `arn:aws:iam::${account}:role/transform`;
  return {
    Records: records.map(
      (record): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.PartitionKey ?? '',
          sequenceNumber: record.SequenceNumber ?? '',
          data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
          approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${record.SequenceNumber ?? ''}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: roleArn,
        awsRegion: region,
        eventSourceARN: streamArn,
      }),
    ),
  };
}
