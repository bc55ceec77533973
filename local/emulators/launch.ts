/**
 * The AWS-API emulators of the embedded runtime, each a child process:
 * kinesalite for Kinesis, dynalite for DynamoDB (both LevelDB-backed when given a
 * data directory, in memory otherwise).
 *
 * @example
 * const kinesis = await startKinesis({ dataDir: '.local-data/kinesis' });
 * const client = new KinesisClient({ endpoint: kinesis.endpoint, ... });
 * await kinesis.stop();
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LocalRuntimeError } from '../../core/errors.ts';

export type EmulatorKind = 'kinesis' | 'dynamodb';

export type EmulatorOptions = {
  /** Port to listen on, 127.0.0.1 only. @default 0 (a free port) */
  readonly port?: number;
  /** LevelDB directory; data survives restarts. @default in memory */
  readonly dataDir?: string;
  /** How long to wait for the emulator to listen. @default 15000 */
  readonly startTimeoutMs?: number;
};

export type Emulator = {
  readonly kind: EmulatorKind;
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
};

export class EmulatorStartError extends LocalRuntimeError {
  readonly code = 'EMULATOR_START_FAILED';
  constructor(
    message: string,
    readonly kind: EmulatorKind,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}

const ENTRY = fileURLToPath(new URL('./emulator-main.mjs', import.meta.url));

export function startKinesis(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator('kinesis', options);
}

export function startDynamo(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator('dynamodb', options);
}

export function startEmulator(kind: EmulatorKind, options: EmulatorOptions = {}): Promise<Emulator> {
  const { port = 0, dataDir, startTimeoutMs = 15_000 } = options;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const args = [ENTRY, kind, String(port), ...(dataDir ? [dataDir] : [])];
  // stdin stays a pipe: the emulator exits when it closes, so it never outlives us. Its own
  // process group (detached): a terminal's Ctrl-C reaches the runtime, which drains the
  // pipeline into the emulators and then stops them, instead of stopping them mid-drain.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmulatorStartError(`${kind} emulator did not start within ${startTimeoutMs} ms`, kind));
    }, startTimeoutMs);
    const fail = (message: string, cause?: unknown) => {
      clearTimeout(timer);
      reject(
        new EmulatorStartError(
          `${kind} emulator failed to start: ${message}`,
          kind,
          cause === undefined ? undefined : { cause },
        ),
      );
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', (error) => fail(error.message, error));
    child.on('exit', (code) => fail(describeExit(port, code, errors)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const { port: actualPort } = JSON.parse(line) as { port: number };
      resolve({
        kind,
        port: actualPort,
        endpoint: `http://127.0.0.1:${actualPort}`,
        process: child,
        stop: () => stopChild(child),
      });
    });
  });
}

function describeExit(port: number, code: number | null, stderr: string): string {
  if (stderr.includes('EADDRINUSE')) return `port ${port} is already in use`;
  return stderr.trim().split('\n').pop() || `exited with code ${code}`;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
