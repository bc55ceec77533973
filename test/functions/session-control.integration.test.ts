/**
 * The session-control handler against real emulators: dynalite for the control table,
 * moto_server for ECS (UpdateService on a real service). The clock is mocked (Date
 * only) so the calendar decisions do not depend on the day the test runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { fromControlItem, toControlItem } from '../../core/control.ts';
import type { Emulator } from '../../local/emulators/launch.ts';
import { startDynamo } from '../../local/emulators/launch.ts';
import { createNamedTables } from '../support/aws.ts';
import { invokeCapturingEmf, lambdaTestEnv } from '../support/lambda.ts';
import { MOTO_MISSING, type Moto, startMoto } from '../support/moto.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const TABLE = 'test-control';
const CLUSTER = 'ingest';
const SERVICE = 'ingest-service';

let dynamo: Emulator;
let moto: Moto | undefined;
let ddb: DynamoDBClient;
let ecs: ECSClient | undefined;
let handler: (event: unknown) => Promise<Record<string, unknown>>;

/**
 * Runs the handler at an instant. Powertools writes EMF through the global console in
 * dev mode (set in `before`), so the metric lines are read from a console.log mock.
 */
async function invokeAt(
  iso: string,
  event: unknown,
): Promise<{ result: Record<string, unknown>; emf: string[] }> {
  mock.timers.enable({ apis: ['Date'], now: Date.parse(iso) });
  try {
    return await invokeCapturingEmf(handler, event);
  } finally {
    mock.timers.reset();
  }
}

async function controlItem() {
  const out = await ddb.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'ingest' } }, ConsistentRead: true }),
  );
  return fromControlItem(out.Item);
}

async function desiredCount(): Promise<number | undefined> {
  const out = await ecs?.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  return out?.services?.[0]?.desiredCount;
}

function metricValue(emf: string[], name: string): number | undefined {
  for (const line of emf) {
    const doc = JSON.parse(line);
    if (name in doc) return doc[name];
  }
  return undefined;
}

describe('session-control handler', () => {
  before(async () => {
    [dynamo, moto] = await Promise.all([startDynamo(), startMoto()]);
    ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    await createNamedTables(ddb, { control: TABLE });
    Object.assign(process.env, {
      CONTROL_TABLE: TABLE,
      ...lambdaTestEnv(dynamo.endpoint, region),
    });
    if (moto) {
      ecs = new ECSClient({ endpoint: moto.endpoint, region, credentials });
      await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'ingest',
          containerDefinitions: [{ name: 'ingest', image: 'ingest:latest', memory: 512 }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: SERVICE,
          taskDefinition: 'ingest',
          desiredCount: 0,
        }),
      );
      Object.assign(process.env, {
        ECS_CLUSTER: CLUSTER,
        ECS_SERVICE: SERVICE,
        AWS_ENDPOINT_URL_ECS: moto.endpoint,
      });
    }
    ({ handler } = await import('../../functions/session-control.ts'));
  });

  after(async () => {
    await Promise.all([dynamo?.stop(), moto?.stop()]);
  });

  it('starts a session on a trading day: control item running, one task', async () => {
    const { result, emf } = await invokeAt('2026-04-14T01:55:00Z', { action: 'start', session: 'morning' });
    assert.deepEqual(await controlItem(), {
      pk: 'ingest',
      desired: 'running',
      reason: 'morning session opens',
      updatedAt: Date.parse('2026-04-14T01:55:00Z'),
      session: 'morning',
    });
    assert.equal(result.desired, 'running');
    assert.equal(result.sessionOpen, false, '08:55 ICT is before the open');
    assert.equal(metricValue(emf, 'SessionOpen'), 0);
    assert.equal(metricValue(emf, 'IngestDesired'), 1);
    const doc = JSON.parse(emf[0]);
    assert.equal(doc._aws.CloudWatchMetrics[0].Namespace, 'VnStockStream');
    assert.deepEqual(doc._aws.CloudWatchMetrics[0].Dimensions, [['service']]);
    assert.equal(doc.service, 'session-control');
    if (moto) assert.equal(await desiredCount(), 1);
  });

  it('stops a session: control item stopped, no task', async () => {
    const { result } = await invokeAt('2026-04-14T04:35:00Z', { action: 'stop', session: 'morning' });
    assert.equal((await controlItem())?.desired, 'stopped');
    assert.equal(result.reason, 'morning session closed');
    if (moto) assert.equal(await desiredCount(), 0);
  });

  it('keeps ingestion stopped when a start fires on a holiday', async () => {
    await invokeAt('2026-02-17T05:55:00Z', { action: 'start', session: 'afternoon' });
    const item = await controlItem();
    assert.equal(item?.desired, 'stopped');
    assert.equal(item?.reason, 'not a trading day');
    if (moto) assert.equal(await desiredCount(), 0);
  });

  it('re-applies the desired count on a check after a deploy reset it, and reports the open session', async (t) => {
    await invokeAt('2026-04-14T05:55:00Z', { action: 'start', session: 'afternoon' });
    if (!moto || !ecs) return t.skip(MOTO_MISSING);
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    const { result, emf } = await invokeAt('2026-04-14T06:30:00Z', { action: 'check' });
    assert.equal(await desiredCount(), 1);
    assert.equal(result.sessionOpen, true);
    assert.equal(metricValue(emf, 'SessionOpen'), 1);
    const updatedAt = (await controlItem())?.updatedAt;
    assert.equal(updatedAt, Date.parse('2026-04-14T05:55:00Z'), 'a check writes nothing');
    await invokeAt('2026-04-14T08:30:00Z', { action: 'check' });
    assert.equal(await desiredCount(), 0, '15:30 ICT is outside the afternoon window');
  });

  it('starts ingestion on a check mid-session: no item, a stale item, but not over an override', async () => {
    await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'ingest' } } }));
    if (ecs)
      await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    // A deploy at 10:00 ICT: no item until the 10:05 check writes the calendar's state.
    const fresh = await invokeAt('2026-04-14T03:05:00Z', { action: 'check' });
    assert.equal(fresh.result.desired, 'running');
    assert.equal(fresh.result.written, true);
    assert.match(String(fresh.result.reason), /check found no control item/);
    assert.equal((await controlItem())?.desired, 'running');
    if (moto) assert.equal(await desiredCount(), 1);

    // An operator stops it on record; the checks leave it alone.
    const held = await invokeAt('2026-04-14T03:07:00Z', {
      action: 'override',
      desired: 'stopped',
      by: 'lan',
      why: 'SSI feed outage',
      until: '2026-04-14T10:30:00+07:00',
    });
    assert.deepEqual(held.result.override, {
      by: 'lan',
      why: 'SSI feed outage',
      until: '2026-04-14T03:30:00.000Z',
    });
    if (moto) assert.equal(await desiredCount(), 0);
    const checked = await invokeAt('2026-04-14T03:10:00Z', { action: 'check' });
    assert.equal(checked.result.desired, 'stopped');
    assert.equal(checked.result.written, false);
    assert.equal((await controlItem())?.override?.by, 'lan');

    // The override ends at 10:30: the next check restores the calendar's state.
    const healed = await invokeAt('2026-04-14T03:30:00Z', { action: 'check' });
    assert.equal(healed.result.desired, 'running');
    assert.match(String(healed.result.reason), /override by lan ended/);
    assert.equal((await controlItem())?.override, undefined);
    if (moto) assert.equal(await desiredCount(), 1);

    // A stale stopped item (yesterday's afternoon stop) is replaced too.
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: toControlItem({
          pk: 'ingest',
          desired: 'stopped',
          reason: 'afternoon session closed',
          updatedAt: Date.parse('2026-04-13T08:05:00Z'),
        }),
      }),
    );
    const stale = await invokeAt('2026-04-14T03:35:00Z', { action: 'check' });
    assert.equal(stale.result.desired, 'running');
    assert.match(String(stale.result.reason), /check found it stale/);
  });

  it('rejects a malformed event without writing', async () => {
    const before = await controlItem();
    await assert.rejects(invokeAt('2026-04-14T01:55:00Z', { action: 'go' }), {
      code: 'CONTROL_SHAPE_INVALID',
    });
    assert.deepEqual(await controlItem(), before);
  });

  it('fails with CONTROL_READ_FAILED when the table is gone (so EventBridge retries)', async () => {
    await ddb.send(new DeleteTableCommand({ TableName: TABLE }));
    await assert.rejects(invokeAt('2026-04-14T01:55:00Z', { action: 'start', session: 'morning' }), {
      name: 'SessionControlError',
      code: 'CONTROL_READ_FAILED',
    });
  });
});
