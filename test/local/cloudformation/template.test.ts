import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readTemplate, TemplateError } from '../../../local/cloudformation/template.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/local-template.json', import.meta.url), 'utf8'),
);
const context = { region: 'us-east-1', account: '000000000000' };
const model = readTemplate(fixture, context, ['transform', 'sessionControl']);

describe('readTemplate', () => {
  it('reads the stream with its explicit name, shards and ARN', () => {
    assert.deepEqual(model.streams, [
      {
        logicalId: 'Stream790BDEE4',
        name: 'vn-stock-frames',
        arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/vn-stock-frames',
        shardCount: 2,
        onDemand: false,
        retentionHours: 24,
      },
    ]);
  });

  it('reads tables with their keys, falling back to the logical id for a name', () => {
    const trades = model.tables.find((t) => t.logicalId === 'TradesTableA1B2C3D4');
    assert.equal(trades?.name, 'vn-stock-trades');
    assert.deepEqual(trades?.partitionKey, { name: 'pk', type: 'S' });
    assert.deepEqual(trades?.sortKey, { name: 'sk', type: 'S' });
    const quotes = model.tables.find((t) => t.name === 'vn-stock-quotes');
    assert.equal(quotes?.sortKey, undefined);
    assert.equal(
      model.tables.find((t) => t.logicalId === 'ControlTable99AABBCC')?.name,
      'ControlTable99AABBCC',
    );
    assert.equal(model.tables.find((t) => t.name === 'vn-stock-rejects')?.ttlAttribute, 'expiresAt');
  });

  it('maps functions back to their source module and resolves their environment', () => {
    const transform = model.functions.find((f) => f.source === 'transform');
    assert.equal(transform?.name, 'vn-stock-transform');
    assert.equal(transform?.timeoutMs, 60_000);
    assert.equal(transform?.memoryMb, 1024);
    assert.deepEqual(
      { ...transform?.environment },
      {
        NODE_OPTIONS: '--enable-source-maps',
        TRADES_TABLE: 'vn-stock-trades',
        QUOTES_TABLE: 'vn-stock-quotes',
        REJECTS_TABLE: 'vn-stock-rejects',
        STREAM_ARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/vn-stock-frames',
        DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/vn-stock-transform-dlq',
        REGION_AND_ACCOUNT: 'us-east-1:000000000000',
        JOINED: 'a-us-east-1',
      },
    );
    const control = model.functions.find((f) => f.source === 'sessionControl');
    assert.equal(control?.logicalId, 'SessionControlB5C6D7E8');
    assert.equal(control?.environment.CONTROL_TABLE, 'ControlTable99AABBCC');
  });

  it('maps a function by a stack output <Source>FunctionName when its path says nothing', () => {
    const t = structuredClone(fixture);
    t.Resources.SessionControlB5C6D7E8.Metadata['aws:cdk:path'] = 'VnStockStream/Schedule/Function/Resource';
    t.Resources.ScheduleFunction1A2B = t.Resources.SessionControlB5C6D7E8;
    delete t.Resources.SessionControlB5C6D7E8;
    for (const rule of ['ScheduleMorningStart1234', 'ScheduleMorningStop1234', 'ScheduleDisabled1234']) {
      t.Resources[rule].Properties.Targets[0].Arn = { 'Fn::GetAtt': ['ScheduleFunction1A2B', 'Arn'] };
    }
    t.Outputs.SessionControlFunctionName = { Value: { Ref: 'ScheduleFunction1A2B' } };
    const m = readTemplate(t, context, ['transform', 'sessionControl']);
    assert.equal(m.functions.find((f) => f.logicalId === 'ScheduleFunction1A2B')?.source, 'sessionControl');
  });

  it('reads the event source mapping settings', () => {
    assert.equal(model.mappings.length, 1);
    const [mapping] = model.mappings;
    assert.equal(mapping.functionLogicalId, 'TransformA1B2C3D4');
    assert.equal(mapping.streamLogicalId, 'Stream790BDEE4');
    assert.equal(mapping.onFailureQueueLogicalId, 'TransformDlq0A1B2C3D');
    assert.deepEqual(mapping.settings, {
      batchSize: 500,
      maxBatchingWindowMs: 1000,
      reportBatchItemFailures: true,
      bisectOnError: true,
      maxRetryAttempts: 5,
      maxRecordAgeMs: 3_600_000,
      parallelizationFactor: 1,
      startingPosition: 'TRIM_HORIZON',
    });
  });

  it('reads schedule rules with their parsed input and state', () => {
    const start = model.rules.find((r) => r.logicalId === 'ScheduleMorningStart1234');
    assert.equal(start?.expression, 'cron(55 1 ? * MON-FRI *)');
    assert.equal(start?.enabled, true);
    assert.deepEqual(start?.targets, [
      { functionLogicalId: 'SessionControlB5C6D7E8', input: { action: 'start', session: 'morning' } },
    ]);
    assert.equal(model.rules.find((r) => r.logicalId === 'ScheduleDisabled1234')?.enabled, false);
  });

  it('notes what it does not emulate', () => {
    const t = structuredClone(fixture);
    t.Resources.Stream790BDEE4.Properties.StreamModeDetails = { StreamMode: 'ON_DEMAND' };
    t.Resources.TransformKinesisEventSourceVnStockStream1234.Properties.ParallelizationFactor = 4;
    const m = readTemplate(t, context, ['transform', 'sessionControl']);
    assert.equal(m.streams[0].shardCount, 4);
    assert.ok(m.notes.some((n) => /on-demand/.test(n)));
    assert.ok(m.notes.some((n) => /ParallelizationFactor 4 runs as 1/.test(n)));
  });

  it('rejects a template without resources or a table without a hash key', () => {
    assert.throws(() => readTemplate({}, context), TemplateError);
    const t = structuredClone(fixture);
    t.Resources.QuotesTable11223344.Properties.KeySchema = [];
    assert.throws(() => readTemplate(t, context), /has no HASH key/);
  });
});
