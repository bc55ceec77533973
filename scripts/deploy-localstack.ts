/**
 * Deploys the stack to LocalStack (started with `docker-compose.localstack.yml`), or
 * tears it down.
 *
 *   npm run deploy:localstack [-- --dry-run] [--endpoint http://localhost:4566]
 *   npm run destroy:localstack [-- --dry-run]
 *
 * Steps: wait for LocalStack's health endpoint to report the pipeline's services, check
 * that no stream or table of an earlier, retained stack is in the way, `cdklocal
 * bootstrap`, `cdklocal deploy --require-approval never -c ingestHost=external ...` (the
 * free tier has no ECS: the ingest task runs as the compose service `ingest`), then print
 * the stack outputs and the AWS CLI commands that query the tables. The settings (the
 * client's, the stack context, and LocalStack's own from the compose file) are printed
 * first; `--dry-run` prints them and each step without running anything.
 * `--skip-health` leaves out the first step, for an endpoint that is not LocalStack (the
 * CI test runs this script against moto_server).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { retainedMessage, retainedResources } from './retained-resources.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STACK = 'VnStockStream';
/** The stack's default namePrefix (cdk.json), which names the stream and the tables. */
const NAME_PREFIX = 'vn-stock';
const COMPOSE_FILE = 'docker-compose.localstack.yml';
/** LocalStack's fixed account id. */
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
/** The cloud assembly folder (`--output DIR`, relative to the repository root or absolute). */
const DEFAULT_OUTPUT = 'cdk.out';
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

/**
 * The transform's batch size on LocalStack. Lambda on AWS never hands a function more
 * than its 6 MB invocation payload (it makes the batch smaller); LocalStack's Kinesis
 * poller counts records only, and fails a larger batch without bisecting it (it accepts
 * BisectBatchOnFunctionError but does not implement it), so the batch lands in the DLQ.
 * The largest record the ingest task makes is MAX_RECORD_BYTES (256 KiB) of frames that
 * did not compress, ~350 KB in the event once base64-encoded: 100 of them are ~35 MB,
 * under the 48 MiB that docker-compose.localstack.yml sets as LocalStack's payload limit
 * (LAMBDA_LIMITS_MAX_FUNCTION_PAYLOAD_SIZE_BYTES). Typical records (~3 KB at the peak)
 * make a 100-record batch of ~0.5 MB; it closes after ~2.5 s at the peak's ~40 records/s
 * instead of the 20 s window, which costs more writes per frame, nothing on LocalStack.
 */
const LOCALSTACK_BATCH_SIZE = 100;

/**
 * Context of every LocalStack deploy: no ECS; stream and tables dropped with the stack,
 * so `npm run destroy:localstack` then a deploy starts clean; the batch size above.
 */
const CONTEXT = [
  '-c',
  'ingestHost=external',
  '-c',
  'dataRemoval=destroy',
  '-c',
  `batchSize=${LOCALSTACK_BATCH_SIZE}`,
];

/** LocalStack's own settings this deploy relies on, printed from the compose file. */
const LOCALSTACK_SETTINGS = [
  'CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES',
  'LAMBDA_LIMITS_MAX_FUNCTION_PAYLOAD_SIZE_BYTES',
  'LAMBDA_IGNORE_ARCHITECTURE',
  'LAMBDA_DOCKER_NETWORK',
];

type Options = {
  readonly dryRun: boolean;
  readonly destroy: boolean;
  readonly skipHealth: boolean;
  readonly endpoint: string;
  readonly output: string;
};

/** The stack outputs file the deploy writes, in the cloud assembly folder. */
function outputsFile(options: Options): string {
  return `${options.output}/localstack-outputs.json`;
}

type Step =
  | { readonly title: string; readonly kind: 'health' }
  | { readonly title: string; readonly kind: 'retained' }
  | { readonly title: string; readonly kind: 'run'; readonly command: readonly string[] }
  | { readonly title: string; readonly kind: 'outputs' };

function parseArgs(argv: readonly string[]): Options {
  let endpoint = process.env.AWS_ENDPOINT_URL || 'http://localhost:4566';
  let dryRun = false;
  let destroy = false;
  let skipHealth = false;
  let output = DEFAULT_OUTPUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--destroy') destroy = true;
    else if (arg === '--skip-health') skipHealth = true;
    else if (arg === '--endpoint') endpoint = argv[++i] ?? '';
    else if (arg.startsWith('--endpoint=')) endpoint = arg.slice('--endpoint='.length);
    else if (arg === '--output') output = argv[++i] ?? '';
    else {
      console.error(
        `unknown argument: ${arg}\nusage: deploy-localstack.ts [--dry-run] [--destroy] [--skip-health] [--endpoint URL] [--output DIR]`,
      );
      process.exit(2);
    }
  }
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
    console.error(`--endpoint must look like http://localhost:4566, got ${JSON.stringify(endpoint)}`);
    process.exit(2);
  }
  if (!output) {
    console.error('--output needs a folder');
    process.exit(2);
  }
  return { dryRun, destroy, skipHealth, endpoint, output };
}

/** `-o DIR` only when it is not the CDK's default, so the usual command reads as usual. */
function outputArgs(options: Options): string[] {
  return options.output === DEFAULT_OUTPUT ? [] : ['-o', options.output];
}

function plan(options: Options): Step[] {
  const health: Step[] = options.skipHealth
    ? []
    : [{ title: `wait for LocalStack at ${options.endpoint}`, kind: 'health' }];
  if (options.destroy) {
    return [
      ...health,
      {
        title: 'destroy the stack',
        kind: 'run',
        command: ['cdklocal', 'destroy', '--force', ...CONTEXT, ...outputArgs(options), STACK],
      },
    ];
  }
  return [
    ...health,
    { title: 'check that no retained stream or table is in the way', kind: 'retained' },
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
        ...outputArgs(options),
        '--outputs-file',
        outputsFile(options),
        STACK,
      ],
    },
    { title: 'print the outputs and the query commands', kind: 'outputs' },
  ];
}

/**
 * The environment cdklocal gets: LocalStack's endpoint and its dummy credentials.
 * Path-style S3 URLs through the CDK CLI's own `CDK_S3_FORCE_PATH_STYLE`: cdklocal 3.0.4
 * reads `AWS_S3_FORCE_PATH_STYLE` wrongly (it looks its value up as a variable name, and
 * strips the variable first), and the CLI goes path-style by itself only for a loopback
 * endpoint, so an endpoint like http://host.docker.internal:4566 would get bucket
 * subdomains that do not resolve (tested against moto: test/infra/moto-redeploy).
 */
function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    CDK_S3_FORCE_PATH_STYLE: '1',
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
  if (step.kind === 'outputs') return `read ${outputsFile(options)}`;
  if (step.kind === 'retained') {
    return `stop if ${STACK} does not exist but stream or tables named ${NAME_PREFIX}-* do`;
  }
  const env = Object.entries(awsEnv(options.endpoint))
    .filter(([k]) => k.startsWith('AWS_ENDPOINT') || k === 'AWS_REGION' || k.startsWith('CDK_'))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${env} npx ${step.command.join(' ')}`;
}

/** `KEY: value` of the LocalStack service's environment in the compose file. */
function composeSettings(compose: string): Record<string, string> {
  const block = compose.slice(compose.search(/^ {2}localstack:/m));
  const settings: Record<string, string> = {};
  for (const key of LOCALSTACK_SETTINGS) {
    const value = new RegExp(`^ {6}${key}: "?([^"\\n]*)"?$`, 'm').exec(block)?.[1];
    settings[key] = value ?? '(not set)';
  }
  return settings;
}

function printSettings(options: Options): void {
  const client = awsEnv(options.endpoint);
  console.log('Settings:');
  console.log(`  cdklocal environment: CDK_S3_FORCE_PATH_STYLE=${client.CDK_S3_FORCE_PATH_STYLE}`);
  console.log(`  stack context: ${CONTEXT.filter((c) => c !== '-c').join(' ')}`);
  const compose = readFileSync(`${ROOT}/${COMPOSE_FILE}`, 'utf8');
  for (const [key, value] of Object.entries(composeSettings(compose))) {
    console.log(`  LocalStack (${COMPOSE_FILE}): ${key}=${value}`);
  }
}

async function checkRetained(endpoint: string): Promise<void> {
  const left = await retainedResources({ endpoint, region: REGION, stack: STACK, namePrefix: NAME_PREFIX });
  if (left) throw new Error(retainedMessage(left, endpoint));
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
  const file = isAbsolute(options.output) ? outputsFile(options) : `${ROOT}/${outputsFile(options)}`;
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
  printSettings(options);
  for (const [index, step] of steps.entries()) {
    const prefix = `${options.dryRun ? '[dry-run] ' : ''}${index + 1}/${steps.length} ${step.title}`;
    console.log(`${prefix}: ${describe(step, options)}`);
    if (step.kind === 'outputs') printOutputs(options);
    if (options.dryRun) continue;
    if (step.kind === 'health') await waitForHealth(options.endpoint);
    if (step.kind === 'retained') await checkRetained(options.endpoint);
    if (step.kind === 'run') await runCommand(step.command, options.endpoint);
  }
}

main().catch((error: Error) => {
  console.error(`deploy-localstack: ${error.message}`);
  process.exit(1);
});
