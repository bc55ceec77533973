/**
 * Synthesizes the CDK app into `<dataDir>/cdk.out` (in a child process, see
 * `synth-main.ts`) and returns the template: the single source of truth for what the
 * embedded runtime creates and runs.
 */

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRuntimeError } from '../../core/errors.ts';

export class SynthError extends LocalRuntimeError {
  readonly code = 'SYNTH_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SynthError';
  }
}

const ENTRY = fileURLToPath(new URL('./synth-main.ts', import.meta.url));

export type Synthesized = { readonly templatePath: string; readonly template: unknown; readonly ms: number };

export type SynthOptions = {
  readonly signal?: AbortSignal;
  /** @default 120000 */
  readonly timeoutMs?: number;
  /** CDK context laid over `cdk.json`'s, e.g. `{ batchWindowSeconds: 1 }`. */
  readonly context?: Readonly<Record<string, unknown>>;
};

export function synthesize(dataDir: string, options: SynthOptions = {}): Promise<Synthesized> {
  const { signal, timeoutMs = 120_000, context = {} } = options;
  const outdir = join(dataDir, 'cdk.out');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ENTRY, outdir, JSON.stringify(context)],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, signal },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('{"template"'));
        if (error || !line) {
          const detail = (stderr || error?.message || 'no output').trim().split('\n').slice(-8).join('\n');
          reject(new SynthError(`cdk synth of infra/ failed:\n${detail}`, { cause: error ?? undefined }));
          return;
        }
        const templatePath = (JSON.parse(line) as { template: string }).template;
        resolve({
          templatePath,
          template: JSON.parse(readFileSync(templatePath, 'utf8')),
          ms: Date.now() - started,
        });
      },
    );
  });
}
