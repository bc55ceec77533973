/**
 * Where the ingest task's frames come from: the live feed (nothing to start), any
 * websocket URL, or the simulator in this process (synthetic market or a replayed
 * session), driven by the runtime's clock. Also picks the simulated clock that lets
 * replay and simulation exercise the schedule at any hour.
 */
import { isTradingDay, nextMarketOpen } from '../core/market/calendar.ts';
import { dayNumberToDate, ictDayNumber, ictDayStart } from '../core/market/ict-time.ts';
import type { Source } from './cli-args.ts';
import type { Clock } from './clock.ts';
import { loadSession } from './simulator/replay-source.ts';
import { type Simulator, startSimulator } from './simulator/simulator.ts';

export type MarketSource = {
  readonly url: string;
  /** Symbols to subscribe to (the simulator's universe); undefined: the ingest task's default. */
  readonly symbols?: readonly string[];
  readonly simulator: Simulator;
  readonly description: string;
  stop(): Promise<void>;
};

/**
 * How far before the open the default simulated clock starts: after the schedule's
 * start rule (08:55 ICT, fired by the catch-up at start) and close enough to 09:00 that
 * frames flow within seconds (the synthetic market is silent before the open).
 */
const LEAD_MS = 15_000;

/**
 * The default simulated start: 15 seconds before the morning open of the latest trading
 * day at or before `nowMs` (today if it trades), so the session's data lands on a
 * recent date and the schedule's start rule has just fired.
 */
export function defaultSimulatedStart(nowMs: number): number {
  let day = ictDayNumber(nowMs);
  while (!isTradingDay(dayNumberToDate(day))) day--;
  return nextMarketOpen(ictDayStart(day)) - LEAD_MS;
}

/** A replay's clock: a minute before its first recorded frame. */
export function replayStart(file: string): number {
  return loadSession(file).firstT - 60_000;
}

export async function startMarketSource(source: Source, clock: Clock): Promise<MarketSource | undefined> {
  if (source.kind === 'live' || source.kind === 'url') return undefined;
  if (source.kind === 'replay') {
    const session = loadSession(source.file);
    const simulator = await startSimulator({ replay: session, speed: source.speed, clock: clock.now });
    return {
      url: simulator.url,
      simulator,
      description: `replay of ${source.file} (${session.lines.length} lines) at ×${source.speed} via ${simulator.url}`,
      stop: () => simulator.stop(),
    };
  }
  const simulator = await startSimulator({
    symbols: source.symbols,
    rate: source.rate,
    seed: source.seed,
    clock: clock.now,
  });
  const symbols = simulator.market?.instruments.map((i) => i.symbol);
  return {
    url: simulator.url,
    symbols,
    simulator,
    description: `synthetic market, ${symbols?.length ?? '?'} symbols at ${source.rate} frames/s (seed ${source.seed}) via ${simulator.url}`,
    stop: () => simulator.stop(),
  };
}
