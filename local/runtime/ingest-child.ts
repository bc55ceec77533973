/**
 * The ingest task as a child process of the runtime (`node --import tsx ingest-task/main.ts`,
 * the same entry the container runs), configured only through its environment. Its JSON
 * log lines go to a file; warnings and errors are also passed to `onLog`. Its counters
 * are read from its `/metrics` endpoint. A crash is restarted with a growing delay (as
 * ECS would); a configuration error (exit 2) is not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backoffDelay } from '../../core/backoff.ts';

const ENTRY = fileURLToPath(new URL('../../ingest-task/main.ts', import.meta.url));
/** The ingest task exits 2 on a bad setting (ingest-task/main.ts). */
const CONFIG_EXIT_CODE = 2;

export type IngestProcessOptions = {
  readonly env: Readonly<Record<string, string>>;
  readonly metricsPort: number;
  readonly logFile: string;
  readonly onLog?: (level: string, message: string, line: Record<string, unknown>) => void;
  /** The task ended without being asked to. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null, willRestart: boolean) => void;
  /** @default 5 */
  readonly maxRestarts?: number;
};

export class IngestProcess {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private readonly log: WriteStream;
  private exitedOnce?: Promise<void>;
  /** Last exit code of a child that ended on its own (null while running or after a clean stop). */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(private readonly options: IngestProcessOptions) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get restartCount(): number {
    return this.restarts;
  }

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the runtime, which then
      // sends one SIGTERM (a second signal would make the task exit without flushing).
      detached: true,
    });
    this.child = child;
    const exitHook = () => child.kill('SIGKILL');
    process.once('exit', exitHook);
    child.once('exit', () => process.off('exit', exitHook));
    let pending = '';
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.readLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exitedOnce = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const willRestart =
          !this.stopping && code !== CONFIG_EXIT_CODE && this.restarts < (this.options.maxRestarts ?? 5);
        if (!this.stopping) {
          this.lastExit = { code, signal };
          this.options.onExit?.(code, signal, willRestart);
        }
        if (willRestart) {
          this.restarts++;
          setTimeout(
            () => !this.stopping && this.start(),
            backoffDelay(this.restarts, { baseMs: 1_000, maxMs: 30_000, jitter: 'none' }),
          );
        }
        resolve();
      });
    });
  }

  private readLine(line: string): void {
    if (!line.trim()) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.options.onLog?.('TEXT', line, {});
      return;
    }
    const level = String(parsed.level ?? 'INFO').toUpperCase();
    this.options.onLog?.(level, String(parsed.message ?? ''), parsed);
  }

  /** The task's `/metrics` JSON, or undefined when it does not answer within 1 s. */
  async metrics<T = Record<string, unknown>>(): Promise<T | undefined> {
    if (!this.running) return undefined;
    try {
      const response = await fetch(`http://127.0.0.1:${this.options.metricsPort}/metrics`, {
        signal: AbortSignal.timeout(1_000),
      });
      return response.ok ? ((await response.json()) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * SIGTERM (the task stops reading, flushes what it holds to Kinesis and exits), then
   * SIGKILL after `deadlineMs`. Resolves with how it ended.
   */
  async stop(deadlineMs: number): Promise<'drained' | 'undelivered' | 'killed' | 'not running'> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.running) {
      this.log.end();
      return 'not running';
    }
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.kill('SIGTERM');
    await this.exitedOnce;
    clearTimeout(timer);
    this.log.end();
    if (killed) return 'killed';
    // The task exits 1 when its drain deadline passed with frames undelivered.
    return child.exitCode === 0 ? 'drained' : 'undelivered';
  }

  /** Ends the child at once (second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }
}
