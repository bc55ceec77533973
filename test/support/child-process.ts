/**
 * Runs the ingest task as a child process (as the embedded runtime and ECS do) and
 * collects its JSON log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = `${ROOT}ingest-task/main.ts`;

export type LogRecord = { level: string; message: string; [key: string]: unknown };

export type IngestChild = {
  readonly process: ChildProcess;
  readonly lines: LogRecord[];
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitForLine(match: (line: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** GET /metrics (after the start line). */
  metrics(): Promise<{ frames: { forwarded: number; put: number } }>;
};

/** `args` defaults to running main.ts through tsx; pass `[bundlePath]` to run the bundle. */
export function spawnIngest(
  env: Record<string, string>,
  args: string[] = ['--import', 'tsx', MAIN],
): IngestChild {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogRecord[] = [];
  let out = '';
  let err = '';
  let pending = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) {
      if (part.startsWith('{')) lines.push(JSON.parse(part) as LogRecord);
    }
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let metricsPort: number | undefined;
  const waitForLine = async (match: (line: LogRecord) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(match);
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`log line not seen; stdout:\n${out}\nstderr:\n${err}`);
      }
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    process: child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine,
    async metrics() {
      metricsPort ??= (await waitForLine((l) => l.message === 'ingest task started')).metricsPort as number;
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      return (await response.json()) as { frames: { forwarded: number; put: number } };
    },
  };
}
