/**
 * `npm run bench:simulator [-- --seconds 5]`: frames per second the synthetic simulator
 * delivers to one local websocket client subscribed to the whole market (~1,670 stocks).
 * The simulator runs as its own process (`scripts/simulate.ts`), the client here, so the
 * two do not share a core. Two runs: `--rate max` (as fast as the client reads) and
 * `--rate 50000` (does it hold the target). Prints the figures and writes them to
 * `bench/results/simulator.json`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { stockSubscribeMessages } from '../core/iboard/subscribe.ts';
import { allSymbols, exchangeOf } from '../core/iboard/symbols.ts';
import { BROWSER_USER_AGENT } from '../local/simulator/fault-knobs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
/** Frames received before measuring start are warm-up (JIT, socket buffers). */
const WARMUP_MS = 2000;

type Run = { rate: string; framesPerSec: number; bytesPerSec: number; frames: number };

async function measure(rate: string): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/simulate.ts'), '--port', '0', '--rate', rate, '--seed', '1'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    });
    const ws = new WebSocket(url, { headers: { 'User-Agent': BROWSER_USER_AGENT } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const symbols = allSymbols().filter((s) => exchangeOf(s) !== 'fu');
    for (const message of stockSubscribeMessages({ generation: 'v2', symbols })) ws.send(message);
    let frames = 0;
    let bytes = 0;
    let counting = false;
    ws.on('message', (data: Buffer) => {
      if (!counting) return;
      frames++;
      bytes += data.length;
    });
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    counting = true;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    counting = false;
    const elapsed = (performance.now() - started) / 1000;
    ws.terminate();
    return {
      rate,
      framesPerSec: Math.round(frames / elapsed),
      bytesPerSec: Math.round(bytes / elapsed),
      frames,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

const max = await measure('max');
const target = await measure('50000');
const result = {
  maxFramesPerSec: max.framesPerSec,
  maxMBps: Math.round(max.bytesPerSec / 1e4) / 100,
  at50kFramesPerSec: target.framesPerSec,
  seconds,
  cpus: (await import('node:os')).cpus().length,
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/simulator.json'), `${JSON.stringify(result, null, 2)}\n`);
