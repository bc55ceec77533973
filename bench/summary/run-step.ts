/**
 * One benchmark of `npm run bench`, run as a child process (one at a time: the machine
 * has two cores and each benchmark wants them), its output kept in a log file beside
 * the results, its result file read back only if this run wrote it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type StepSpec = {
  readonly name: string;
  /** Script path from the repository root. */
  readonly script: string;
  readonly args: readonly string[];
  /** Result file name in bench/results. */
  readonly result: string;
  readonly timeoutSeconds: number;
};

export type StepOutcome = {
  readonly name: string;
  readonly command: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly log: string;
  readonly error?: string;
  readonly result?: Record<string, unknown>;
};

export async function runStep(
  root: string,
  spec: StepSpec,
  onLine: (line: string) => void,
): Promise<StepOutcome> {
  const resultsDir = join(root, 'bench', 'results');
  // A fresh clone has no results directory (its contents are not committed).
  mkdirSync(resultsDir, { recursive: true });
  const log = join(resultsDir, `${spec.name}.log`);
  const command = `tsx ${spec.script} ${spec.args.join(' ')}`.trim();
  const started = Date.now();
  const out = createWriteStream(log);
  const child = spawn(process.execPath, ['--import', 'tsx', spec.script, ...spec.args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    out.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }, spec.timeoutSeconds * 1000);
  const heartbeat = setInterval(
    () => onLine(`  ${spec.name}: running, ${Math.round((Date.now() - started) / 1000)} s`),
    60_000,
  );
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  clearInterval(heartbeat);
  await new Promise((resolve) => out.end(resolve));
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const base = { name: spec.name, command, seconds, log };
  if (timedOut) return { ...base, ok: false, error: `timed out after ${spec.timeoutSeconds} s` };
  if (code !== 0) return { ...base, ok: false, error: `exited ${code}: ${lastLines(tail)}` };
  const file = join(resultsDir, spec.result);
  try {
    if (statSync(file).mtimeMs < started)
      return { ...base, ok: false, error: `${spec.result} was not written by this run` };
    return { ...base, ok: true, result: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
  } catch (error) {
    return { ...base, ok: false, error: `${spec.result}: ${(error as Error).message}` };
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
}
