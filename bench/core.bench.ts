/**
 * `npm run bench:core`: one core, a few seconds per figure.
 *
 * - `parseFrame` frames/s against a naive `text.split('|')` baseline, measured in the same run on
 *   the same realistic V2 stock frames (FPT-like snapshots over HOSE symbols, prices on the tick
 *   grid, 3 book levels, growing cumulative volume), interleaved in rounds so both see the same
 *   machine load; each figure is the median of its rounds, per CPU-second of the (single-threaded)
 *   process, i.e. per core.
 * - `encodeRecord` / `decodeRecord` MB/s of frame text (UTF-8 bytes of `raw`), 500 frames a record
 *   (~250 KB, the packer's default byte bound).
 *
 * Writes `bench/results/core.json`. `--seconds N` sets the time per figure (default 4).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatStockFrame } from '../core/iboard/format-frame.ts';
import { parseFrame } from '../core/iboard/parse-frame.ts';
import { symbolsOf } from '../core/iboard/symbols.ts';
import type { PriceLevel, StockFrame } from '../core/iboard/types.ts';
import { createRandom } from '../core/random.ts';
import { decodeRecord, type Envelope, encodeRecord } from '../core/records/index.ts';

const FRAMES = 4000;
const FRAMES_PER_RECORD = 500;
/** Rounds per figure: many short ones, so a burst of load from elsewhere hits few of them. */
const ROUNDS = 12;

/** Deterministic PRNG (core/random.ts), so every run measures the same frames. */
const prng = (seed: number): (() => number) => createRandom(seed).next;

/** HOSE tick size (spec): 10 VND under 10,000; 50 under 50,000; 100 from 50,000. */
const tick = (price: number) => (price < 10_000 ? 10 : price < 50_000 ? 50 : 100);

function realisticFrames(count: number, seed = 1): string[] {
  const random = prng(seed);
  const symbols = symbolsOf('hose');
  const state = symbols.map(() => ({ reference: 0, volume: 0, value: 0 }));
  const frames: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = Math.floor(random() * symbols.length);
    const s = state[k];
    if (s.reference === 0) s.reference = (5 + Math.floor(random() * 900)) * 100;
    const t = tick(s.reference);
    const last = Math.max(t, s.reference + Math.round((random() - 0.5) * 10) * t);
    const traded = random() < 0.3 ? 100 * (1 + Math.floor(random() * 50)) : 0;
    s.volume += traded;
    s.value += traded * last;
    const level = (price: number): PriceLevel => ({ price, volume: 100 * (1 + Math.floor(random() * 500)) });
    const bids = [0, 1, 2].map((j) => level(last - (j + 1) * t));
    const offers = [0, 1, 2].map((j) => level(last + j * t));
    for (let j = 3; j < 10; j++) {
      bids.push({});
      offers.push({});
    }
    const frame: StockFrame = {
      kind: 'stock',
      generation: 'v2',
      symbol: symbols[k],
      boardId: 'MAIN',
      bids,
      offers,
      lastPrice: last,
      lastVolume: traded || 100,
      high: last + t,
      exchange: 'hose',
      low: last - 2 * t,
      averagePrice: s.volume > 0 ? Math.round((s.value / s.volume) * 100) / 100 : last,
      foreignBuyVolume: Math.floor(random() * 1e6),
      foreignBuyValue: Math.floor(random() * 1e11),
      foreignSellVolume: Math.floor(random() * 1e6),
      foreignSellValue: Math.floor(random() * 1e11),
      change: last - s.reference,
      changePercent: Math.round(((last - s.reference) / s.reference) * 10_000) / 100,
      totalVolume: s.volume,
      totalValue: s.value,
      ceiling: s.reference + 7 * t,
      floor: s.reference - 7 * t,
      reference: s.reference,
      foreignRoom: Math.floor(random() * 1e9),
      stockType: 's',
      tradingStatus: 'N',
      listedShares: 1703507121,
      openPrice: s.reference,
      openingAuctionPrice: s.reference,
      openingAuctionVolume: 93100,
      openingAuctionChange: 0,
      openingAuctionChangePercent: 0,
      openingAuctionTime: 1776132899614,
      serverTime: 1776148328137 + i * 7,
      fieldCount: 102,
    };
    frames.push(formatStockFrame(frame));
  }
  return frames;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Runs the cases in turn, round after round, `totalMs` of wall time per case in all; returns each
 * case's median rate in units per CPU-second of this process. CPU time rather than wall time: the
 * machine is shared, and a descheduled benchmark would otherwise report the neighbours' load.
 */
function measure(cases: Record<string, () => number>, totalMs: number): Record<string, number> {
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const fn of Object.values(cases)) fn(); // warm up the JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let units = 0;
      while (performance.now() - start < totalMs / ROUNDS) units += fn();
      const cpu = process.cpuUsage(cpuStart);
      rates[name].push(units / ((cpu.user + cpu.system) / 1e6));
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' } } });
  const ms = Number(values.seconds) * 1000;
  const frames = realisticFrames(FRAMES);
  const bytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f), 0);
  let sink = 0;

  const frameRates = measure(
    {
      parse: () => {
        for (const f of frames) if (parseFrame(f).kind === 'stock') sink++;
        return frames.length;
      },
      naive: () => {
        for (const f of frames) sink += f.split('|').length;
        return frames.length;
      },
    },
    2 * ms,
  );

  const envelopes: Envelope[][] = [];
  for (let i = 0; i < frames.length; i += FRAMES_PER_RECORD) {
    envelopes.push(
      frames
        .slice(i, i + FRAMES_PER_RECORD)
        .map((raw, j) => ({ raw, receivedAt: 1776148328600 + i + j, connectionId: 'c1', seq: i + j })),
    );
  }
  const records = envelopes.map((e) => encodeRecord(e));
  const recordBytes = records.reduce((sum, r) => sum + r.length, 0);
  const codecRates = measure(
    {
      encode: () => {
        for (const e of envelopes) sink += encodeRecord(e).length;
        return bytes;
      },
      decode: () => {
        for (const r of records) sink += decodeRecord(r).length;
        return bytes;
      },
    },
    2 * ms,
  );

  const result = {
    parseFramesPerSec: Math.round(frameRates.parse),
    naiveSplitFramesPerSec: Math.round(frameRates.naive),
    encodeMBps: Math.round((codecRates.encode / 1e6) * 10) / 10,
    decodeMBps: Math.round((codecRates.decode / 1e6) * 10) / 10,
    naiveOverParseRatio: Math.round((frameRates.naive / frameRates.parse) * 100) / 100,
    frameBytesAvg: Math.round(bytes / frames.length),
    compressionRatio: Math.round((bytes / recordBytes) * 10) / 10,
    framesPerRecord: FRAMES_PER_RECORD,
    secondsPerFigure: ms / 1000,
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
  console.log('one core, rates per CPU-second of this process:');
  console.log(`parseFrame          ${result.parseFramesPerSec.toLocaleString('en')} frames/s`);
  console.log(`naive split('|')    ${result.naiveSplitFramesPerSec.toLocaleString('en')} frames/s`);
  console.log(`  parse is ${result.naiveOverParseRatio}x slower than the naive split (goal: within 2x)`);
  console.log(
    `encodeRecord        ${result.encodeMBps} MB/s of frame text (${FRAMES_PER_RECORD} frames/record)`,
  );
  console.log(
    `decodeRecord        ${result.decodeMBps} MB/s of frame text (compression ${result.compressionRatio}x)`,
  );
  const out = fileURLToPath(new URL('./results/core.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}${sink === 0 ? ' (no frames?)' : ''}`);
}

await main();
