/**
 * Deploy, destroy, deploy again, with `scripts/deploy-localstack.ts` itself against
 * `moto_server` (an AWS control-plane emulator with CloudFormation that honours
 * DeletionPolicy Retain as AWS does), answering for LocalStack's account 000000000000.
 *
 * - The script's own stack (dataRemoval=destroy) comes back after a destroy, reached
 *   through a host name that is not `localhost` (this machine's name, which resolves
 *   to the loopback address): the CDK CLI goes path-style by itself only for loopback
 *   names, so this proves `CDK_S3_FORCE_PATH_STYLE` reaches it through cdklocal.
 * - A stack deployed with the default dataRemoval=retain leaves its stream and tables
 *   behind; the script then stops before creating anything, naming them and the
 *   commands that clear them, and those commands do clear them.
 *
 * moto only: CloudFormation fetches the template from the URL the CLI gives it, which moto
 * reads only when it names `localhost`; AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION (the CDK
 * CLI's setting for that URL) says so. `--skip-health`: moto has no LocalStack health endpoint.
 * CDK_HOME is a scratch folder: the CDK CLI caches the account of an access key in
 * ~/.cdk/cache, and other moto tests map the same dummy key to moto's default account.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MOTO_MISSING, MOTO_REGION, type Moto, onPath, startMoto } from '../support/moto.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CDKLOCAL = join(ROOT, 'node_modules', '.bin', 'cdklocal');
const LOCALSTACK_ACCOUNT = '000000000000';
const STREAM = 'vn-stock-frames';
const DATA_TABLES = ['vn-stock-trades', 'vn-stock-quotes', 'vn-stock-bars', 'vn-stock-indices'];

type Result = { code: number; stdout: string; stderr: string };

let moto: Moto | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'vn-stock-redeploy-'));
const timings: Record<string, number> = {};

/** An endpoint on a name the CDK CLI does not treat as loopback, if this machine has one. */
async function nonLoopbackNameEndpoint(port: number): Promise<string | undefined> {
  const name = hostname();
  if (!name || name === 'localhost') return undefined;
  const address = await lookup(name, { family: 4 }).catch(() => undefined);
  return address?.address.startsWith('127.') ? `http://${name}:${port}` : undefined;
}

async function timed(
  name: string,
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<Result> {
  const start = performance.now();
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, CDK_HOME: join(scratch, 'cdk-home') },
      maxBuffer: 32 << 20,
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

function deployScript(name: string, endpoint: string, ...args: string[]): Promise<Result> {
  assert.ok(moto);
  return timed(
    name,
    TSX,
    [
      join(ROOT, 'scripts', 'deploy-localstack.ts'),
      '--skip-health',
      '--endpoint',
      endpoint,
      '--output',
      join(scratch, 'cdk.out'),
      ...args,
    ],
    { ...moto.env, AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: moto.endpoint },
  );
}

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  assert.ok(moto);
  const { stdout } = await run('aws', ['--endpoint-url', moto.endpoint, '--output', 'json', ...args], {
    env: { ...process.env, ...moto.env },
  });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

async function streams(): Promise<string[]> {
  return ((await aws('kinesis', 'list-streams')).StreamNames as string[]) ?? [];
}

async function tables(): Promise<string[]> {
  return ((await aws('dynamodb', 'list-tables')).TableNames as string[]) ?? [];
}

const toolsMissing = !onPath('moto_server')
  ? MOTO_MISSING
  : !onPath('aws')
    ? 'the AWS CLI is not on PATH'
    : undefined;

describe('deploy, destroy and deploy again (moto_server)', { skip: toolsMissing, timeout: 600_000 }, () => {
  before(async () => {
    moto = await startMoto({ account: LOCALSTACK_ACCOUNT });
    assert.ok(moto, MOTO_MISSING);
  });

  after(async () => {
    await moto?.stop();
    rmSync(scratch, { recursive: true, force: true });
    console.log(`timings (ms): ${JSON.stringify(timings)}`);
  });

  it('redeploys the script stack (dataRemoval=destroy) after a destroy, through a non-localhost name', async (t) => {
    assert.ok(moto);
    const endpoint = await nonLoopbackNameEndpoint(moto.port);
    if (!endpoint) return t.skip('this machine has no name that resolves to 127.x other than localhost');
    const first = await deployScript('deploy 1', endpoint);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /CDK_S3_FORCE_PATH_STYLE=1/);
    assert.deepEqual(await streams(), [STREAM]);

    const destroyed = await deployScript('destroy', endpoint, '--destroy');
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await streams(), [], 'the stream goes with the stack');
    assert.deepEqual(await tables(), [], 'so do the tables');

    const second = await deployScript('deploy 2', endpoint);
    assert.equal(second.code, 0, second.stderr);
    const { StreamDescriptionSummary } = await aws(
      'kinesis',
      'describe-stream-summary',
      '--stream-name',
      STREAM,
    );
    assert.equal((StreamDescriptionSummary as { StreamStatus: string }).StreamStatus, 'ACTIVE');
    assert.equal((await tables()).length, 6);

    const cleared = await deployScript('destroy 2', endpoint, '--destroy');
    assert.equal(cleared.code, 0, cleared.stderr);
  });

  it('stops a deploy over a retained stream and tables with what to do, and what it says works', async () => {
    assert.ok(moto);
    // A stack deployed without the script keeps cdk.json's dataRemoval=retain.
    const env = moto.env;
    const out = ['-o', join(scratch, 'retain.out')];
    const context = ['-c', 'ingestHost=external'];
    const boot = await timed(
      'bootstrap',
      CDKLOCAL,
      ['bootstrap', `aws://${LOCALSTACK_ACCOUNT}/${MOTO_REGION}`, ...out],
      env,
    );
    assert.equal(boot.code, 0, boot.stderr);
    const deployed = await timed(
      'retain deploy',
      CDKLOCAL,
      ['deploy', '--require-approval', 'never', '--method=direct', ...context, ...out],
      env,
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    const destroyed = await timed(
      'retain destroy',
      CDKLOCAL,
      ['destroy', '--force', ...context, ...out],
      env,
    );
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await streams(), [STREAM], 'DeletionPolicy Retain kept the stream');

    const blocked = await deployScript('blocked deploy', moto.endpoint);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /stream vn-stock-frames and tables vn-stock-trades, /);
    assert.match(blocked.stderr, /dataRemoval=retain keeps them/);
    assert.doesNotMatch(blocked.stdout, /bootstrap the CDK environment:/, 'stopped before bootstrap');
    const commands = blocked.stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('aws --endpoint-url'));
    assert.deepEqual(
      commands.map((c) => c.split(' ').at(-1)),
      [STREAM, ...DATA_TABLES],
    );
    for (const command of commands) await aws(...command.split(' ').slice(3));

    const after = await deployScript('deploy after clearing', moto.endpoint);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(await streams(), [STREAM]);
  });
});
