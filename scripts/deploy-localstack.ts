/**
 * Deploys the stack to LocalStack (started with `docker-compose.localstack.yml`), or
 * tears it down.
 *
 *   npm run deploy:localstack [-- --dry-run] [--endpoint http://localhost:4566]
 *   npm run destroy:localstack [-- --dry-run]
 *
 * Steps: wait for LocalStack's health endpoint to report the pipeline's services,
 * `cdklocal bootstrap`, `cdklocal deploy --require-approval never -c ingestHost=external`
 * (the free tier has no ECS: the ingest task runs as the compose service `ingest`), then
 * print the stack outputs and the AWS CLI commands that query the tables. `--dry-run`
 * prints each step without running anything.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STACK = 'VnStockStream';
/** LocalStack's fixed account id. */
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const OUTPUTS_FILE = 'cdk.out/localstack-outputs.json';
/** What the stack needs running before bootstrap and deploy. */
const SERVICES = [
  'cloudformation',
  's3',
  'iam',
  'ssm',
  'kinesis',
  'dynamodb',
  'lambda',
  'sqs',
  'events',
  'logs',
];
const HEALTH_TIMEOUT_MS = 120_000;

/** Context of every LocalStack deploy: no ECS, tables dropped with the stack (so a redeploy starts clean). */
const CONTEXT = ['-c', 'ingestHost=external', '-c', 'dataRemoval=destroy'];

type Options = { readonly dryRun: boolean; readonly destroy: boolean; readonly endpoint: string };

type Step =
  | { readonly title: string; readonly kind: 'health' }
  | { readonly title: string; readonly kind: 'run'; readonly command: readonly string[] }
  | { readonly title: string; readonly kind: 'outputs' };

function parseArgs(argv: readonly string[]): Options {
  let endpoint = process.env.AWS_ENDPOINT_URL || 'http://localhost:4566';
  let dryRun = false;
  let destroy = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--destroy') destroy = true;
    else if (arg === '--endpoint') endpoint = argv[++i] ?? '';
    else if (arg.startsWith('--endpoint=')) endpoint = arg.slice('--endpoint='.length);
    else {
      console.error(
        `unknown argument: ${arg}\nusage: deploy-localstack.ts [--dry-run] [--destroy] [--endpoint URL]`,
      );
      process.exit(2);
    }
  }
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
    console.error(`--endpoint must look like http://localhost:4566, got ${JSON.stringify(endpoint)}`);
    process.exit(2);
  }
  return { dryRun, destroy, endpoint };
}

function plan(options: Options): Step[] {
  const health: Step = { title: `wait for LocalStack at ${options.endpoint}`, kind: 'health' };
  if (options.destroy) {
    return [
      health,
      {
        title: 'destroy the stack',
        kind: 'run',
        command: ['cdklocal', 'destroy', '--force', ...CONTEXT, STACK],
      },
    ];
  }
  return [
    health,
    {
      title: 'bootstrap the CDK environment',
      kind: 'run',
      command: ['cdklocal', 'bootstrap', `aws://${ACCOUNT}/${REGION}`],
    },
    {
      title: 'deploy the stack',
      kind: 'run',
      command: [
        'cdklocal',
        'deploy',
        '--require-approval',
        'never',
        ...CONTEXT,
        '--outputs-file',
        OUTPUTS_FILE,
        STACK,
      ],
    },
    { title: 'print the outputs and the query commands', kind: 'outputs' },
  ];
}

/** The environment cdklocal and the AWS CLI get: LocalStack's endpoint and its dummy credentials. */
function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_S3_FORCE_PATH_STYLE: '1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
  };
}

function describe(step: Step, options: Options): string {
  if (step.kind === 'health') {
    return `GET ${options.endpoint}/_localstack/health until ${SERVICES.join(', ')} are available (${HEALTH_TIMEOUT_MS / 1000} s max)`;
  }
  if (step.kind === 'outputs') return `read ${OUTPUTS_FILE}`;
  const env = Object.entries(awsEnv(options.endpoint))
    .filter(([k]) => k.startsWith('AWS_ENDPOINT') || k === 'AWS_REGION')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${env} npx ${step.command.join(' ')}`;
}

async function waitForHealth(endpoint: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/_localstack/health`);
      const body = (await res.json()) as { services?: Record<string, string> };
      const missing = SERVICES.filter((s) => !['available', 'running'].includes(body.services?.[s] ?? ''));
      if (missing.length === 0) return;
      last = `not ready: ${missing.join(', ')}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(
    `LocalStack is not healthy at ${endpoint} after ${HEALTH_TIMEOUT_MS / 1000} s (${last}). ` +
      'Start it with: docker compose -f docker-compose.localstack.yml up -d localstack',
  );
}

function runCommand(command: readonly string[], endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', command, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...awsEnv(endpoint) },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npx ${command.join(' ')} exited with ${code}`)),
    );
  });
}

/** The query commands, for the names the stack printed (or its defaults). */
function queryCommands(endpoint: string): string[] {
  const e = `--endpoint-url ${endpoint}`;
  return [
    `scripts/query-trades.sh ${e} FPT 20            # last 20 trades of FPT today (ICT)`,
    `scripts/query-quote.sh ${e} FPT                # latest quote of FPT`,
    `scripts/query-bars.sh ${e} FPT 09:15 10:00     # 1-minute bars between two ICT times`,
    `scripts/query-indices.sh ${e} VNINDEX          # VNINDEX values today`,
    `aws ${e} dynamodb scan --table-name vn-stock-control   # the ingest control item`,
    `aws ${e} kinesis describe-stream-summary --stream-name vn-stock-frames`,
    // AWS CLI v2 syntax; with v1 leave out --cli-binary-format.
    `aws ${e} lambda invoke --function-name <SessionControlFunctionName> --cli-binary-format raw-in-base64-out --payload '{"action":"start","session":"morning"}' /dev/stdout`,
  ];
}

function printOutputs(options: Options): void {
  const file = `${ROOT}/${OUTPUTS_FILE}`;
  if (!options.dryRun && existsSync(file)) {
    const outputs =
      (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>)[STACK] ?? {};
    console.log('\nStack outputs:');
    for (const [key, value] of Object.entries(outputs)) console.log(`  ${key.padEnd(28)} ${value}`);
  }
  console.log('\nQuery the tables (same commands against AWS without --endpoint-url):');
  for (const line of queryCommands(options.endpoint)) console.log(`  ${line}`);
  console.log('\nStart the ingest task next to LocalStack:');
  console.log('  docker compose -f docker-compose.localstack.yml up -d --build ingest');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const steps = plan(options);
  for (const [index, step] of steps.entries()) {
    const prefix = `${options.dryRun ? '[dry-run] ' : ''}${index + 1}/${steps.length} ${step.title}`;
    console.log(`${prefix}: ${describe(step, options)}`);
    if (step.kind === 'outputs') printOutputs(options);
    if (options.dryRun) continue;
    if (step.kind === 'health') await waitForHealth(options.endpoint);
    if (step.kind === 'run') await runCommand(step.command, options.endpoint);
  }
}

main().catch((error: Error) => {
  console.error(`deploy-localstack: ${error.message}`);
  process.exit(1);
});
