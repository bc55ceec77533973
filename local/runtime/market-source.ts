/**
 * Where the ingest task's frames come from: the live feed (nothing to start), any
 * websocket URL, or the simulator in this process (synthetic market or a replayed
 * session), driven by the runtime's clock. Also picks the simulated clock that lets
 * replay and simulation exercise the schedule at any hour.
 */
import { isTradingDay, nextMarketOpen } from '../../core/market/calendar.ts';
import { dayNumberToDate, ictDayNumber, ictDayStart } from '../../core/market/ict-time.ts';
import { loadSession } from '../simulator/replay-source.ts';
import { type Simulator, startSimulator } from '../simulator/simulator.ts';
import type { Source } from './cli-args.ts';
import type { Clock } from './clock.ts';

export type MarketSource = {
  readonly url: string;
  /** Symbols to subscribe to (the simulator's universe); undefined: the ingest task's default. */
  readonly symbols?: readonly string[];
  readonly simulator: Simulator;
  readonly description: string;
  stop(): Promise<void>;
};

/**
 * How far before HOSE's opening match (09:15 ICT, the end of its opening auction) the
 * default simulated clock starts: close enough that the default symbol (FPT, HOSE) trades
 * within seconds, where a start before 09:00 showed a newcomer 15 minutes of auction with
 * no trade. The schedule's start rule (08:55) is fired by the scheduler's catch-up at
 * start, and its session check would start ingestion by itself anyway. HNX and UPCoM
 * trade from 09:00: what they traded before the start is stored as `pre-existing` volume.
 */
const LEAD_MS = 15_000;
const HOSE_OPENING_MATCH_AFTER_OPEN_MS = 15 * 60_000;

/**
 * The default simulated start: 15 seconds before HOSE's opening match on the latest
 * trading day at or before `nowMs` (today if it trades), so the session's data lands on
 * a recent date.
 */
export function defaultSimulatedStart(nowMs: number): number {
  let day = ictDayNumber(nowMs);
  while (!isTradingDay(dayNumberToDate(day))) day--;
  return nextMarketOpen(ictDayStart(day)) + HOSE_OPENING_MATCH_AFTER_OPEN_MS - LEAD_MS;
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
