/**
 * The CDK CLI path end to end, offline: `npm run synth` (cdklocal, external host) and a
 * `cdk synth` of the fullest variant (Fargate + Keyspaces) with esbuild bundling; then
 * `cfn-lint` on both templates (settings and ignored rules in `.cfnlintrc`), and the
 * two Lambda bundles loaded by Node exactly as Lambda loads them (`index.mjs`, export
 * `handler`) and invoked against dynalite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type Emulator, startDynamo } from '../../local/emulators/launch.ts';
import { createNamedTables } from '../support/aws.ts';
import { onPath } from '../support/moto.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = 'VnStockStream.template.json';

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

const outDir = mkdtempSync(join(tmpdir(), 'vn-stock-synth-'));
const externalOut = join(outDir, 'external');
const fullOut = join(outDir, 'full');
const timings: Record<string, number> = {};

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

/** The asset directory of a function's code, from the template's metadata. */
function assetDir(out: string, logicalIdPrefix: string): string {
  const template = JSON.parse(readFileSync(join(out, TEMPLATE), 'utf8')) as Template & {
    Resources: Record<string, { Metadata?: Record<string, string> }>;
  };
  const entry = Object.entries(template.Resources).find(
    ([id, r]) => id.startsWith(logicalIdPrefix) && r.Type === 'AWS::Lambda::Function',
  );
  assert.ok(entry, logicalIdPrefix);
  return join(out, String(entry[1].Metadata?.['aws:asset:path']));
}

/** Imports a bundle in a fresh Node process and calls its handler once. */
async function invokeBundle(dir: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))});
process.stdout.write('RESULT ' + JSON.stringify(await m.handler(${JSON.stringify(event)}, {})) + '\\n');`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, stdout);
  return JSON.parse(line.slice('RESULT '.length));
}

describe('synth through the CDK CLI', { timeout: 300_000 }, () => {
  before(async () => {
    // No network is needed: notices and telemetry are off in cdk.json, bundling is local esbuild.
    await timed('npm run synth (external)', () =>
      run('npm', ['run', 'synth', '--', '-q', '-o', externalOut], { cwd: ROOT, maxBuffer: 16 << 20 }),
    );
    await timed('cdk synth (fargate + keyspaces)', () =>
      run('npx', ['cdk', 'synth', '-q', '-o', fullOut, '-c', 'keyspaces=true'], {
        cwd: ROOT,
        maxBuffer: 16 << 20,
      }),
    );
  });

  after(() => {
    rmSync(outDir, { recursive: true, force: true });
    console.log(`timings (ms): ${JSON.stringify(timings)}`);
  });

  it('writes both templates, the external one without ECS', () => {
    const external = JSON.parse(readFileSync(join(externalOut, TEMPLATE), 'utf8')) as Template;
    const full = JSON.parse(readFileSync(join(fullOut, TEMPLATE), 'utf8')) as Template;
    const types = (t: Template) => new Set(Object.values(t.Resources).map((r) => r.Type));
    assert.ok(!types(external).has('AWS::ECS::Service'));
    assert.ok(types(full).has('AWS::ECS::Service') && types(full).has('AWS::Cassandra::Table'));
  });

  it('passes cfn-lint with no error and no warning', async (t) => {
    if (!onPath('cfn-lint')) return t.skip('cfn-lint is not on PATH (pip install cfn-lint)');
    const templates = [join(externalOut, TEMPLATE), join(fullOut, TEMPLATE)];
    const result = await timed('cfn-lint', () =>
      run('cfn-lint', ['--', ...templates], { cwd: ROOT }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
      ),
    );
    assert.equal(result.code, 0, result.output);
  });

  describe('the bundles as Lambda loads them', () => {
    let dynamo: Emulator;
    let ddb: DynamoDBClient;
    const credentials = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

    before(async () => {
      dynamo = await startDynamo();
      ddb = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      await createNamedTables(ddb, { control: 'bundle-control' });
    });

    after(async () => {
      await dynamo?.stop();
    });

    it('ships ESM bundles with source maps but no embedded sources', () => {
      for (const prefix of ['TransformFunction', 'ScheduleFunction']) {
        const dir = assetDir(externalOut, prefix);
        assert.ok(statSync(join(dir, 'index.mjs')).isFile());
        const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8'));
        assert.equal(map.sourcesContent, undefined, `${prefix}: sourcesContent`);
        assert.ok(
          map.sources.some((s: string) => s.includes('functions/')),
          `${prefix}: maps to functions/`,
        );
      }
    });

    it('session-control bundle writes the control item', async () => {
      const result = await invokeBundle(
        assetDir(externalOut, 'ScheduleFunction'),
        { action: 'stop', session: 'afternoon' },
        { ...credentials, CONTROL_TABLE: 'bundle-control', AWS_ENDPOINT_URL: dynamo.endpoint },
      );
      assert.equal((result as { desired: string }).desired, 'stopped');
      const item = await ddb.send(
        new GetItemCommand({ TableName: 'bundle-control', Key: { pk: { S: 'ingest' } } }),
      );
      assert.equal(item.Item?.desired?.S, 'stopped');
      assert.equal(item.Item?.reason?.S, 'afternoon session closed');
    });

    it('transform bundle loads and handles an empty batch', async () => {
      const tables = {
        TRADES_TABLE: 't',
        QUOTES_TABLE: 'q',
        BARS_TABLE: 'b',
        INDICES_TABLE: 'i',
        REJECTS_TABLE: 'r',
      };
      const result = await invokeBundle(
        assetDir(externalOut, 'TransformFunction'),
        { Records: [] },
        { ...credentials, ...tables, AWS_ENDPOINT_URL: dynamo.endpoint },
      );
      assert.deepEqual(result, { batchItemFailures: [] });
    });
  });
});
