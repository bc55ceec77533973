import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kinesisEventFrom } from '../../../functions/transform/kinesis-event.ts';

describe('kinesisEventFrom', () => {
  it('shapes GetRecords records as the Lambda Kinesis event', () => {
    const arn = 'arn:aws:kinesis:ap-southeast-1:123456789012:stream/frames';
    const event = kinesisEventFrom(
      [
        {
          SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
          ApproximateArrivalTimestamp: new Date(1776148328500),
          Data: Uint8Array.of(1, 2, 255),
          PartitionKey: 'b03',
        },
      ],
      'shardId-000000000001',
      arn,
    );
    assert.deepEqual(event.Records[0], {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'b03',
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        data: 'AQL/',
        approximateArrivalTimestamp: 1776148328.5,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000001:49590338271490256608559692538361571095921575989136588898',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/transform',
      awsRegion: 'ap-southeast-1',
      eventSourceARN: arn,
    });
  });
});
