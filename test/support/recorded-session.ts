/**
 * Writes a small recorded-session file from the synthetic market: `in` data frames spaced
 * `stepMs` apart, with the lines a real recording also has (events, outgoing messages,
 * acknowledgements, index and unknown frames) mixed in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticMarket } from '../../local/simulator/synthetic-market.ts';

export type SessionFixture = {
  path: string;
  dataLines: string[];
  symbols: string[];
  firstT: number;
  lastT: number;
  remove(): void;
};

export function writeSessionFixture(options: {
  frames: number;
  stepMs: number;
  symbols?: number;
}): SessionFixture {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const path = join(dir, 'session.jsonl');
  let t = Date.parse('2026-04-14T02:30:00Z');
  const market = new SyntheticMarket({ seed: 9, symbols: options.symbols ?? 8, clock: () => t });
  const rows: string[] = [
    JSON.stringify({ t, dir: 'event', raw: 'open' }),
    JSON.stringify({ t, dir: 'out', raw: '{"type":"sub","topic":"serverName"}' }),
    JSON.stringify({ t, dir: 'in', raw: 'Subscribed stockRealtimeBySymbolsAndBoards' }),
  ];
  const dataLines: string[] = [];
  const firstT = t;
  for (let i = 0; i < options.frames; i++) {
    const raw =
      i % 50 === 25
        ? (market.indexFrames().find((f) => f.indexId === 'VNINDEX')?.raw ?? '')
        : i % 97 === 50
          ? 'M#hose:974|76400|1000'
          : (market.nextFrame()?.raw ?? '');
    rows.push(JSON.stringify({ t, dir: 'in', raw }));
    dataLines.push(raw);
    t += options.stepMs;
  }
  rows.push(JSON.stringify({ t, dir: 'event', raw: 'close', code: 1000 }));
  writeFileSync(path, `${rows.join('\n')}\n`);
  return {
    path,
    dataLines,
    symbols: market.instruments.map((i) => i.symbol),
    firstT,
    lastT: t - options.stepMs,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
