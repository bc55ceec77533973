/**
 * What the page's status banner says: the market phase from the trading calendar and the
 * feed state from the age of the newest row, in one plain sentence.
 *
 * | market | newest update | feed | level |
 * |---|---|---|---|
 * | trading | ≤ `staleAfterMs` old | `live` | `ok` |
 * | trading | older, or none | `down` | `down` |
 * | not trading | ≤ `staleAfterMs` old | `live` (a replay or the simulator) | `ok` |
 * | not trading | older, or none | `idle` | `closed` |
 *
 * @example
 * computeStatus({ now: Date.parse('2026-04-18T03:00:00Z'), lastUpdate: null });
 * // { feed: 'idle', level: 'closed', message: 'Market closed (weekend) · next session Mon 20 Apr 09:00 ICT', ... }
 */
import type { CalendarOptions, Phase } from '../../core/market/calendar.ts';
import { isMarketTradingAt, isTradingDay, nextMarketOpen, phaseAt } from '../../core/market/calendar.ts';
import { ALL_EXCHANGES, type Exchange } from '../../core/market/exchange.ts';
import { dayOfWeek, ICT_OFFSET_MS, ictDate, ictDayNumber } from '../../core/market/ict-time.ts';

export const FEED_STATES = { LIVE: 'live', DOWN: 'down', IDLE: 'idle' } as const;
export type FeedState = (typeof FEED_STATES)[keyof typeof FEED_STATES];

export type MarketStatus = {
  /** The calendar's clock (the runtime's simulated clock, if any), epoch ms. */
  readonly now: number;
  /** The wall clock the ages are measured with, epoch ms. */
  readonly wallNow: number;
  /** ICT date of `now`. */
  readonly date: string;
  readonly phases: Readonly<Record<Exchange, Phase>>;
  /** Whether any exchange is in ATO, continuous, ATC or put-through. */
  readonly trading: boolean;
  /** Next session start (epoch ms) when not trading, else null. */
  readonly nextOpen: number | null;
  readonly feed: FeedState;
  /** Newest row receipt time seen (wall clock, epoch ms), null when the tables are empty. */
  readonly lastUpdate: number | null;
  /** `wallNow - lastUpdate`. */
  readonly ageMs: number | null;
  /** Banner colour: `ok` (green), `down` (red), `closed` (grey). */
  readonly level: 'ok' | 'down' | 'closed';
  readonly message: string;
};

export type StatusInput = {
  /** What the calendar is read at: real time, or the runtime's simulated clock. */
  readonly now: number;
  /**
   * Real time, to age `lastUpdate` with: receipt times are stamped by the ingest host's
   * wall clock even when the runtime simulates the market's clock. @default now
   */
  readonly wallNow?: number;
  /** Newest receipt time (`receivedAt`) in the tables. */
  readonly lastUpdate: number | null;
  /** Age after which a trading-hours feed counts as down. @default 30000 */
  readonly staleAfterMs?: number;
  readonly calendar?: CalendarOptions;
};

/**
 * 30 s: in a session some of ~1,650 symbols or one of the indices changes every second,
 * so half a minute of silence is an outage, not a quiet market.
 */
export const DEFAULT_STALE_AFTER_MS = 30_000;

export function computeStatus(input: StatusInput): MarketStatus {
  const { now, lastUpdate, calendar = {} } = input;
  const wallNow = input.wallNow ?? now;
  const staleAfterMs = input.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const phases = Object.fromEntries(ALL_EXCHANGES.map((e) => [e, phaseAt(now, e, calendar)])) as Record<
    Exchange,
    Phase
  >;
  const trading = isMarketTradingAt(now, calendar);
  const ageMs = lastUpdate === null ? null : Math.max(0, wallNow - lastUpdate);
  const fresh = ageMs !== null && ageMs <= staleAfterMs;
  const feed: FeedState = fresh ? FEED_STATES.LIVE : trading ? FEED_STATES.DOWN : FEED_STATES.IDLE;
  const nextOpen = trading ? null : nextMarketOpen(now, calendar);
  const base = { now, wallNow, date: ictDate(now), phases, trading, nextOpen, feed, lastUpdate, ageMs };
  if (trading) {
    const phase =
      phases.hose === phases.hnx && phases.hnx === phases.upcom
        ? phases.hose
        : `HOSE ${phases.hose}, HNX ${phases.hnx}, UPCoM ${phases.upcom}`;
    if (fresh) {
      return { ...base, level: 'ok', message: `Market open (${phase}) · feed live` };
    }
    const why = ageMs === null ? 'no data received yet' : `no update for ${duration(ageMs)}`;
    return { ...base, level: 'down', message: `Feed down: ${why} during the trading session (${phase})` };
  }
  const closed = `Market closed (${closedReason(now, phases.hose, calendar)})`;
  if (fresh) {
    return { ...base, level: 'ok', message: `${closed} · data still arriving (replay or simulation)` };
  }
  return { ...base, level: 'closed', message: `${closed} · next session ${formatIct(nextOpen ?? now)}` };
}

function closedReason(now: number, hosePhase: Phase, calendar: CalendarOptions): string {
  if (!isTradingDay(now, calendar)) {
    const weekday = dayOfWeek(ictDayNumber(now));
    return weekday === 0 || weekday === 6 ? 'weekend' : 'holiday';
  }
  if (hosePhase === 'lunch') return 'lunch break';
  if (hosePhase === 'pre-open') return 'before the open';
  return 'after the close';
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon 20 Apr 09:00 ICT` */
export function formatIct(timeMs: number): string {
  const d = new Date(timeMs + ICT_OFFSET_MS);
  const hhmm = d.toISOString().slice(11, 16);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${hhmm} ICT`;
}

/** `4 s`, `2 min 5 s`, `3 h 10 min` */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} days`;
}
