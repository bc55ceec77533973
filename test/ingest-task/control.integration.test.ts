import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type ControlState, toControlItem } from '../../core/control.ts';
import { type Emulator, startDynamo, startKinesis } from '../../local/emulators/launch.ts';
import { startSimulator } from '../../local/simulator/simulator.ts';
import { createNamedTables } from '../support/aws.ts';
import { recordingLogger, startApp, testEnv, waitFor } from '../support/ingest-stack.ts';
import { createStream, EMULATOR_ENV, emulatorClient, TEST_REGION } from '../support/stream.ts';

let kinesis: Emulator;
let dynamo: Emulator;
let ddb: DynamoDBClient;

before(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
  for (const [key, value] of Object.entries(EMULATOR_ENV)) process.env[key] ??= value;
  ddb = new DynamoDBClient({ region: TEST_REGION, endpoint: dynamo.endpoint });
  await createNamedTables(ddb, { control: 'control' });
});
after(async () => {
  ddb.destroy();
  await Promise.all([kinesis.stop(), dynamo.stop()]);
});

async function writeControl(desired: ControlState['desired']): Promise<void> {
  const state: ControlState = { pk: 'ingest', desired, reason: `test ${desired}`, updatedAt: Date.now() };
  await ddb.send(new PutItemCommand({ TableName: 'control', Item: toControlItem(state) }));
}

describe('ingest task in control mode (DynamoDB emulator)', () => {
  it('holds a socket only while the control item says running and the calendar agrees', async () => {
    const admin = emulatorClient(kinesis.endpoint);
    await createStream(admin, 'control-mode', 1);
    admin.destroy();
    const sim = await startSimulator({ symbols: 20, rate: 500, seed: 5 });
    let now = Date.parse('2026-04-14T10:00:00+07:00'); // a Tuesday, 10:00 ICT
    const app = await startApp(
      testEnv({
        INGEST_MODE: 'control',
        CONTROL_TABLE: 'control',
        CONTROL_POLL_SECONDS: '0.1',
        STREAM_NAME: 'control-mode',
        IBOARD_URL: sim.url,
        AWS_ENDPOINT_URL: kinesis.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      }),
      { clock: () => now, logger: recordingLogger() },
    );
    try {
      assert.equal(app.metrics.wanted, false, 'no control item: stopped');
      assert.equal(sim.clients().length, 0);
      await writeControl('running');
      await waitFor('a connection', () => sim.clients().length === 1 && app.metrics.framesPut > 0);
      now = Date.parse('2026-04-14T12:10:00+07:00'); // lunch break: outside the ingest windows
      await waitFor(
        'the socket to close',
        () => sim.clients().length === 0 && app.metrics.connectionState === 'idle',
      );
      now = Date.parse('2026-04-14T13:30:00+07:00');
      await waitFor('a new connection', () => sim.clients().length === 1);
      await writeControl('stopped');
      await waitFor('the socket to close again', () => sim.clients().length === 0);
      assert.equal(app.metrics.wanted, false);
      assert.equal(app.metrics.connects, 2);
      assert.equal(await app.shutdown('test'), true);
    } finally {
      await sim.stop();
    }
  });
});
