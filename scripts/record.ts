/**
 * `npm run record -- --url URL --symbols ALL|HOSE|A,B,C --out file.jsonl [--v1] [--duration S]
 * [--indices A,B] [--chunk-size N]`: records a session (see local/simulator/recorder.ts for
 * the file format) until Ctrl-C or the duration ends. Run it in trading hours against
 * iboard (default URL: the V2 endpoint, or the V1 one with --v1) to capture real sessions.
 */
import { parseArgs } from 'node:util';
import { resolveSymbols } from '../core/iboard/symbols.ts';
import { startRecording } from '../local/simulator/recorder.ts';

const USAGE = `usage: npm run record -- --symbols ALL|HOSE|A,B,C --out file.jsonl [--url URL] [--v1] [--duration S] [--indices A,B] [--chunk-size N]`;
const IBOARD_URLS = {
  v1: 'wss://pricestream-iboard.ssi.com.vn/realtime',
  v2: 'wss://iboard-pushstream.ssi.com.vn/realtime',
} as const;

function fail(message: string): never {
  console.error(`record: ${message}\n${USAGE}`);
  process.exit(2);
}

function main(): void {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      strict: true,
      options: {
        url: { type: 'string' },
        symbols: { type: 'string' },
        out: { type: 'string' },
        v1: { type: 'boolean' },
        duration: { type: 'string' },
        indices: { type: 'string' },
        'chunk-size': { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.symbols) fail('--symbols is required');
  if (!values.out) fail('--out is required');
  const generation = values.v1 ? 'v1' : 'v2';
  let symbols: string[] = [];
  try {
    symbols = resolveSymbols(values.symbols as string);
  } catch (error) {
    fail(`--symbols: ${(error as Error).message}`);
  }
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0))
    fail(`--duration: expected seconds > 0, got ${values.duration}`);
  const chunkSize = values['chunk-size'] === undefined ? undefined : Number(values['chunk-size']);
  if (chunkSize !== undefined && !Number.isInteger(chunkSize)) fail(`--chunk-size: expected a whole number`);
  const url = (values.url as string | undefined) ?? IBOARD_URLS[generation];
  if (!/^wss?:\/\//.test(url)) fail(`--url: expected ws:// or wss://, got ${url}`);
  let recording: ReturnType<typeof startRecording>;
  try {
    recording = startRecording({
      url,
      symbols,
      out: values.out as string,
      generation,
      durationMs: duration === undefined ? undefined : duration * 1000,
      indices: values.indices ? (values.indices as string).split(',') : undefined,
      chunkSize,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  console.error(`record: ${url} (${generation}), ${symbols.length} symbols -> ${values.out}; Ctrl-C to stop`);
  const stop = () => void recording.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  recording.done.then((summary) => {
    console.error(`record: ${JSON.stringify(summary)}`);
    process.exit(0);
  });
}

main();
