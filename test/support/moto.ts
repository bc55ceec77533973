/**
 * Test helper: `moto_server` (the AWS control-plane emulator shipped with the machine
 * image's Python) as a child process on a free port, and the environment that points
 * the AWS CLI, the SDK and cdklocal at it.
 *
 * @example
 * const moto = await startMoto();
 * if (!moto) t.skip(MOTO_MISSING);
 * await moto.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const MOTO_MISSING = 'moto_server is not on PATH (pip install "moto[server]" to run this test)';

/** moto's default account, used in every ARN it returns. */
export const MOTO_ACCOUNT = '123456789012';
export const MOTO_REGION = 'us-east-1';

export type Moto = {
  /** `http://localhost:PORT`: moto resolves a CloudFormation TemplateURL only for host `localhost`. */
  readonly endpoint: string;
  readonly port: number;
  /** Environment for child processes (AWS CLI, cdklocal): endpoint, dummy credentials, region. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
};

/** Whether an executable is on PATH (no process spawned). */
export function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type MotoOptions = {
  readonly timeoutMs?: number;
  /** The account moto answers for (`MOTO_ACCOUNT_ID`), e.g. LocalStack's 000000000000. @default MOTO_ACCOUNT */
  readonly account?: string;
};

/** Starts moto_server; `undefined` when it is not installed. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto | undefined> {
  if (!onPath('moto_server')) return undefined;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ACCOUNT_ID: options.account ?? MOTO_ACCOUNT },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const endpoint = `http://localhost:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not listen on ${port} within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // The CDK CLI caches the account of an access key in ~/.cdk/cache: with moto's account
  // under the dummy key `test` there, a later cdklocal deploy to LocalStack (account
  // 000000000000, same key) would be refused. A scratch CDK_HOME keeps moto's answer here.
  const cdkHome = mkdtempSync(join(tmpdir(), 'vn-stock-cdk-home-'));
  const env = {
    CDK_HOME: cdkHome,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    CDK_S3_FORCE_PATH_STYLE: '1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
  };
  return {
    endpoint,
    port,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        rmSync(cdkHome, { recursive: true, force: true });
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
