/**
 * A real deploy, offline: `moto_server` (an AWS control-plane emulator with
 * CloudFormation) on a free port, `cdklocal bootstrap`, `cdklocal deploy -c
 * ingestHost=external`, then the AWS CLI checks what CloudFormation created.
 *
 * moto specifics, each handled here and reported in the test output:
 * - the endpoint must be `http://localhost:PORT` (moto resolves the TemplateURL only for
 *   `localhost`), with AWS_ENDPOINT_URL_S3 too and path-style S3;
 * - `--method=direct` (CreateStack): moto's change-set execution records no stack Outputs;
 * - moto's CloudFormation skips some types and ignores some properties (listed in
 *   {@link MOTO_GAPS}); the template tests (`pipeline-stack.test.ts`) cover those.
 * No data goes through moto: its Kinesis loses records under concurrent writes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MOTO_ACCOUNT, MOTO_MISSING, MOTO_REGION, type Moto, onPath, startMoto } from '../support/moto.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STACK = 'VnStockStream';

/** What moto 5.x does not apply from this template (checked in the template tests instead). */
export const MOTO_GAPS = [
  'AWS::SQS::QueuePolicy, AWS::CloudWatch::Alarm, AWS::CDK::Metadata: not supported, skipped',
  'Kinesis StreamEncryption: stream reports EncryptionType NONE',
  'DynamoDB PointInTimeRecoverySpecification and TimeToLiveSpecification: not applied',
  'Lambda Architectures: reported as x86_64',
  'S3 PublicAccessBlockConfiguration and LifecycleConfiguration: not applied',
];

let moto: Moto | undefined;
const outDir = mkdtempSync(join(tmpdir(), 'vn-stock-moto-'));
const timings: Record<string, number> = {};
let outputs: Record<string, string> = {};

async function aws(...args: string[]): Promise<unknown> {
  assert.ok(moto);
  const { stdout } = await run('aws', ['--endpoint-url', moto.endpoint, '--output', 'json', ...args], {
    env: { ...process.env, ...moto.env },
  });
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}

const CDKLOCAL = join(ROOT, 'node_modules', '.bin', 'cdklocal');

async function timed(name: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<string> {
  const start = performance.now();
  try {
    const { stdout, stderr } = await run(CDKLOCAL, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 32 << 20,
      timeout: 240_000,
    });
    return stdout + stderr;
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

const toolsMissing = !onPath('moto_server')
  ? MOTO_MISSING
  : !onPath('aws')
    ? 'the AWS CLI is not on PATH'
    : undefined;

describe('cdklocal deploy to moto_server', { skip: toolsMissing, timeout: 300_000 }, () => {
  before(async () => {
    moto = await startMoto();
    assert.ok(moto, MOTO_MISSING);
    const total = performance.now();
    // Bootstrap from a folder without cdk.json, so the CLI does not synthesize the app for it.
    await timed('bootstrap', ['bootstrap', `aws://${MOTO_ACCOUNT}/${MOTO_REGION}`], moto.env, outDir);
    await timed(
      'synth + deploy',
      [
        'deploy',
        '--require-approval',
        'never',
        '--method=direct',
        '-c',
        'ingestHost=external',
        '-o',
        join(outDir, 'cdk.out'),
      ],
      moto.env,
    );
    timings.total = Math.round(performance.now() - total);
    const stacks = (await aws('cloudformation', 'describe-stacks', '--stack-name', STACK)) as {
      Stacks: { StackStatus: string; Outputs?: { OutputKey: string; OutputValue: string }[] }[];
    };
    assert.equal(stacks.Stacks[0].StackStatus, 'CREATE_COMPLETE');
    outputs = Object.fromEntries((stacks.Stacks[0].Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  });

  after(async () => {
    await moto?.stop();
    rmSync(outDir, { recursive: true, force: true });
    console.log(`timings (ms): ${JSON.stringify(timings)}; moto gaps: ${MOTO_GAPS.join('; ')}`);
  });

  it('deploys in well under two minutes', () => {
    assert.ok(timings.total < 120_000, `bootstrap + synth + deploy took ${timings.total} ms`);
  });

  it('prints every table, the stream, the DLQ URL and the function names as outputs', () => {
    for (const table of ['trades', 'quotes', 'bars', 'indices', 'rejects', 'control']) {
      const key = `${table[0].toUpperCase()}${table.slice(1)}TableName`;
      assert.equal(outputs[key], `vn-stock-${table}`, key);
    }
    assert.equal(outputs.StreamName, 'vn-stock-frames');
    assert.match(outputs.DeadLetterQueueUrl, /TransformDlq/);
    assert.match(outputs.TransformFunctionName, /TransformFunction/);
    assert.equal(outputs.IngestServiceName, undefined, 'no ECS with ingestHost=external');
  });

  it('creates the stream with its shards', async () => {
    const { StreamDescriptionSummary: s } = (await aws(
      'kinesis',
      'describe-stream-summary',
      '--stream-name',
      outputs.StreamName,
    )) as { StreamDescriptionSummary: Record<string, unknown> };
    assert.equal(s.StreamStatus, 'ACTIVE');
    assert.equal(s.OpenShardCount, 1);
    assert.equal(s.RetentionPeriodHours, 24);
  });

  it('creates the tables with their keys, on demand', async () => {
    for (const [table, keys] of [
      ['trades', ['pk', 'sk']],
      ['quotes', ['pk']],
      ['bars', ['pk', 'sk']],
      ['indices', ['pk', 'sk']],
      ['rejects', ['pk', 'sk']],
      ['control', ['pk']],
    ] as const) {
      const { Table } = (await aws('dynamodb', 'describe-table', '--table-name', `vn-stock-${table}`)) as {
        Table: { KeySchema: { AttributeName: string }[]; BillingModeSummary?: { BillingMode: string } };
      };
      assert.deepEqual(
        Table.KeySchema.map((k) => k.AttributeName),
        keys,
        table,
      );
      assert.equal(Table.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST', table);
    }
  });

  it('creates both functions and the event source mapping with its settings', async () => {
    const fn = (await aws(
      'lambda',
      'get-function-configuration',
      '--function-name',
      outputs.TransformFunctionName,
    )) as {
      Runtime: string;
      MemorySize: number;
      Timeout: number;
      Environment: { Variables: Record<string, string> };
    };
    assert.equal(fn.Runtime, 'nodejs22.x');
    assert.equal(fn.MemorySize, 1536);
    assert.equal(fn.Environment.Variables.TRADES_TABLE, 'vn-stock-trades');
    const control = (await aws(
      'lambda',
      'get-function-configuration',
      '--function-name',
      outputs.SessionControlFunctionName,
    )) as { Environment: { Variables: Record<string, string> } };
    assert.equal(control.Environment.Variables.CONTROL_TABLE, 'vn-stock-control');

    const { EventSourceMappings } = (await aws(
      'lambda',
      'list-event-source-mappings',
      '--function-name',
      outputs.TransformFunctionName,
    )) as { EventSourceMappings: Record<string, unknown>[] };
    assert.equal(EventSourceMappings.length, 1);
    const esm = EventSourceMappings[0];
    assert.equal(esm.EventSourceArn, `arn:aws:kinesis:${MOTO_REGION}:${MOTO_ACCOUNT}:stream/vn-stock-frames`);
    assert.equal(esm.BatchSize, 2000);
    assert.equal(esm.MaximumBatchingWindowInSeconds, 20);
    assert.equal(esm.ParallelizationFactor, 1);
    assert.equal(esm.BisectBatchOnFunctionError, true);
    assert.equal(esm.MaximumRetryAttempts, 10);
    assert.equal(esm.MaximumRecordAgeInSeconds, 21_600);
    assert.deepEqual(esm.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.match(
      String((esm.DestinationConfig as { OnFailure: { Destination: string } }).OnFailure.Destination),
      /^arn:aws:sqs:.*TransformDlq/,
    );
  });

  it('creates the five session rules targeting session-control and the reconcile rule, with their inputs', async () => {
    const { Rules } = (await aws('events', 'list-rules')) as {
      Rules: { Name: string; ScheduleExpression: string }[];
    };
    const schedules = new Map<string, string>();
    for (const rule of Rules) {
      const { Targets } = (await aws('events', 'list-targets-by-rule', '--rule', rule.Name)) as {
        Targets: { Arn: string; Input: string }[];
      };
      assert.match(Targets[0].Arn, /ScheduleFunction|ReconcileFunction/);
      schedules.set(
        rule.ScheduleExpression,
        `${/Reconcile/.test(Targets[0].Arn) ? 'reconcile ' : ''}${Targets[0].Input}`,
      );
    }
    assert.deepEqual(Object.fromEntries(schedules), {
      'cron(55 1 ? * MON-FRI *)': '{"action":"start","session":"morning"}',
      'cron(35 4 ? * MON-FRI *)': '{"action":"stop","session":"morning"}',
      'cron(55 5 ? * MON-FRI *)': '{"action":"start","session":"afternoon"}',
      'cron(5 8 ? * MON-FRI *)': '{"action":"stop","session":"afternoon"}',
      'cron(0/5 2-8 ? * MON-FRI *)': '{"action":"check"}',
      'cron(30 8 ? * MON-FRI *)': 'reconcile {"action":"reconcile"}',
    });
  });

  it('creates the DLQ encrypted with 14 days retention', async () => {
    const { Attributes } = (await aws(
      'sqs',
      'get-queue-attributes',
      '--queue-url',
      outputs.DeadLetterQueueUrl,
      '--attribute-names',
      'All',
    )) as { Attributes: Record<string, string> };
    assert.equal(Attributes.MessageRetentionPeriod, String(14 * 24 * 3600));
    assert.equal(Attributes.SqsManagedSseEnabled, 'true');
  });

  it('creates the archive bucket encrypted, named to the transform', async () => {
    const bucket = outputs.ArchiveBucketName;
    assert.ok(bucket, 'ArchiveBucketName output');
    const encryption = (await aws('s3api', 'get-bucket-encryption', '--bucket', bucket)) as {
      ServerSideEncryptionConfiguration: {
        Rules: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
      };
    };
    assert.equal(
      encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm,
      'AES256',
    );
    const fn = (await aws(
      'lambda',
      'get-function-configuration',
      '--function-name',
      outputs.TransformFunctionName,
    )) as {
      Environment: { Variables: Record<string, string> };
    };
    assert.equal(fn.Environment.Variables.ARCHIVE_BUCKET, bucket);
  });
});
