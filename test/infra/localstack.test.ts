/**
 * What can be checked of the LocalStack path without a Docker engine: the compose file
 * against the Compose schema (dclint, offline), its settings against the stack, and the
 * deploy script's steps through `--dry-run`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE = join(ROOT, 'docker-compose.localstack.yml');
const DCLINT = join(ROOT, 'node_modules', '.bin', 'dclint');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const compose = readFileSync(COMPOSE, 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'vn-stock-compose-'));

async function dclint(file: string): Promise<{ code: number; output: string }> {
  return run(DCLINT, ['--max-warnings', '0', '--color', 'false', file]).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

async function deployScript(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(TSX, [join(ROOT, 'scripts', 'deploy-localstack.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_ENDPOINT_URL: '' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('docker-compose.localstack.yml', () => {
  it('passes dclint (Compose schema and style) with no error and no warning', async () => {
    const result = await dclint(COMPOSE);
    assert.equal(result.code, 0, result.output);
  });

  it('is really validated: an unknown service key fails dclint', async () => {
    const broken = join(scratch, 'broken.yml');
    writeFileSync(
      broken,
      compose.replace('    restart: on-failure', '    restart: on-failure\n    restrat: always'),
    );
    const result = await dclint(broken);
    assert.equal(result.code, 1);
    assert.match(result.output, /invalid-schema/);
  });

  it('pins LocalStack 4.14.0 with the services the stack needs, the Docker socket and a health check', () => {
    assert.match(compose, /image: localstack\/localstack:4\.14\.0\n/);
    const services = /SERVICES: (\S+)/.exec(compose)?.[1].split(',') ?? [];
    for (const s of [
      'cloudformation',
      's3',
      'ssm',
      'iam',
      'kinesis',
      'dynamodb',
      'lambda',
      'sqs',
      'events',
      'logs',
    ]) {
      assert.ok(services.includes(s), `SERVICES has ${s}`);
    }
    assert.ok(!services.includes('ecs'), 'no ECS on the free tier');
    assert.match(
      compose,
      /CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES: "1"/,
      'set explicitly, not left to a default',
    );
    assert.match(compose, /- \/var\/run\/docker\.sock:\/var\/run\/docker\.sock/);
    assert.match(
      compose,
      /healthcheck:\n\s+test: \["CMD", "curl", "-fsS", "http:\/\/localhost:4566\/_localstack\/health"\]/,
    );
  });

  it('runs the ingest task from its Dockerfile against LocalStack, obeying the control item', () => {
    // The ingest service's block: from its key to the next top-level service key.
    const ingest = compose.slice(compose.search(/^ {2}ingest:/m), compose.search(/^ {2}localstack:/m));
    assert.match(ingest, /dockerfile: ingest-task\/Dockerfile/);
    assert.match(ingest, /context: \.\n/);
    assert.match(ingest, /AWS_ENDPOINT_URL: http:\/\/localstack:4566/);
    assert.match(ingest, /STREAM_NAME: vn-stock-frames/);
    assert.match(ingest, /CONTROL_TABLE: vn-stock-control/);
    assert.match(ingest, /INGEST_MODE: control/);
    assert.match(ingest, /condition: service_healthy/);
    assert.match(ingest, /stop_grace_period: 30s/, 'longer than the 25 s drain deadline');
  });
});

describe('scripts/deploy-localstack.ts --dry-run', () => {
  it('prints the settings, then the five deploy steps in order, and runs none of them', async () => {
    const { code, stdout } = await deployScript('--dry-run', '--endpoint', 'http://localhost:1');
    assert.equal(code, 0);
    assert.match(stdout, /cdklocal environment: CDK_S3_FORCE_PATH_STYLE=1\n/);
    assert.match(stdout, /stack context: ingestHost=external dataRemoval=destroy batchSize=100\n/);
    // LocalStack's own settings are printed from the compose file, as it sets them.
    for (const key of [
      'CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES',
      'LAMBDA_LIMITS_MAX_FUNCTION_PAYLOAD_SIZE_BYTES',
    ]) {
      const value = new RegExp(`^ {6}${key}: "([^"]+)"$`, 'm').exec(compose)?.[1];
      assert.ok(value, `the compose file sets ${key}`);
      assert.ok(stdout.includes(`${key}=${value}\n`), `${key}=${value} printed`);
    }
    const steps = stdout.split('\n').filter((l) => l.startsWith('[dry-run] '));
    assert.equal(steps.length, 5, stdout);
    assert.match(
      steps[0],
      /^\[dry-run\] 1\/5 wait for LocalStack .*GET http:\/\/localhost:1\/_localstack\/health/,
    );
    assert.match(steps[1], /check that no retained stream or table is in the way/);
    assert.match(
      steps[2],
      /AWS_ENDPOINT_URL=http:\/\/localhost:1 .*CDK_S3_FORCE_PATH_STYLE=1 .*npx cdklocal bootstrap aws:\/\/000000000000\/us-east-1$/,
    );
    assert.match(
      steps[3],
      /npx cdklocal deploy --require-approval never -c ingestHost=external -c dataRemoval=destroy -c batchSize=100 --outputs-file cdk\.out\/localstack-outputs\.json VnStockStream$/,
    );
    assert.match(steps[4], /print the outputs/);
    for (const script of ['query-trades.sh', 'query-quote.sh', 'query-bars.sh', 'query-indices.sh']) {
      assert.match(stdout, new RegExp(`scripts/${script} --endpoint-url http://localhost:1 `));
    }
    assert.match(stdout, /docker compose -f docker-compose\.localstack\.yml up -d --build ingest/);
  });

  it('leaves out the health step with --skip-health', async () => {
    const { code, stdout } = await deployScript('--dry-run', '--skip-health');
    assert.equal(code, 0);
    assert.match(stdout, /\[dry-run\] 1\/4 check that no retained stream/);
    assert.doesNotMatch(stdout, /_localstack\/health/);
  });

  it('prints the destroy steps', async () => {
    const { code, stdout } = await deployScript('--dry-run', '--destroy');
    assert.equal(code, 0);
    assert.match(
      stdout,
      /2\/2 destroy the stack: .*npx cdklocal destroy --force -c ingestHost=external .*VnStockStream/,
    );
  });

  it('rejects an unknown argument and a malformed endpoint with exit code 2', async () => {
    const unknown = await deployScript('--dryrun');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown argument: --dryrun/);
    const endpoint = await deployScript('--dry-run', '--endpoint', 'localhost');
    assert.equal(endpoint.code, 2);
    assert.match(endpoint.stderr, /--endpoint must look like/);
  });
});
