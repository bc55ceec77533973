/**
 * The trading calendar of HOSE, HNX and UPCoM in Asia/Ho_Chi_Minh (UTC+7): the phase of
 * the market at an instant, whether it trades, and when it next opens or closes.
 * Weekends and the holidays of `holidays.ts` are closed all day.
 *
 * Phases (the spec's session table, ICT):
 *
 * | exchange | 09:00–09:15 | 09:15–11:30 | 11:30–13:00 | 13:00–14:30 | 14:30–14:45 | 14:45–15:00 |
 * |---|---|---|---|---|---|---|
 * | HOSE  | ATO        | continuous | lunch | continuous | ATC        | put-through |
 * | HNX   | continuous | continuous | lunch | continuous | ATC        | put-through |
 * | UPCoM | continuous | continuous | lunch | continuous | continuous | continuous  |
 *
 * Before 09:00 on a trading day the phase is `pre-open`; after 15:00, and all day on a
 * weekend or holiday, `closed`. Trading (`isTradingAt`) means ATO, continuous, ATC or
 * put-through: the feed sends frames then. Every function takes epoch ms and does its
 * arithmetic with the fixed +7 h offset, never the host's time zone.
 *
 * @example
 * phaseAt(Date.parse('2026-04-14T02:00:00Z'), 'hose'); // 'ATO' (09:00 ICT, a Tuesday)
 * isTradingAt(Date.parse('2026-04-14T05:00:00Z'), 'hnx'); // false (12:00 ICT, lunch)
 * new Date(nextOpen(Date.parse('2026-04-17T09:00:00Z'), 'hose')).toISOString();
 * // '2026-04-20T02:00:00.000Z' (Friday 16:00 ICT -> Monday 09:00 ICT)
 */
import type { Exchange } from './exchange.ts';
import { ALL_EXCHANGES } from './exchange.ts';
import type { HolidaySet } from './holidays.ts';
import { defaultHolidaySet } from './holidays.ts';
import {
  dateToDayNumber,
  dayNumberToDate,
  dayOfWeek,
  hm,
  ictDayNumber,
  ictDayStart,
  ictMinuteOfDay,
  MINUTE_MS,
} from './ict-time.ts';

export const PHASES = {
  PRE_OPEN: 'pre-open',
  ATO: 'ATO',
  CONTINUOUS: 'continuous',
  LUNCH: 'lunch',
  ATC: 'ATC',
  PUT_THROUGH: 'put-through',
  CLOSED: 'closed',
} as const;

export type Phase = (typeof PHASES)[keyof typeof PHASES];

/** One interval of a trading day, in minutes since 00:00 ICT, `[start, end)`. */
export type Session = { readonly start: number; readonly end: number; readonly phase: Phase };

const { ATO, CONTINUOUS, LUNCH, ATC, PUT_THROUGH } = PHASES;

/** The spec's session table, per exchange, in ICT minutes. */
export const SESSIONS: Readonly<Record<Exchange, readonly Session[]>> = {
  hose: [
    { start: hm('09:00'), end: hm('09:15'), phase: ATO },
    { start: hm('09:15'), end: hm('11:30'), phase: CONTINUOUS },
    { start: hm('11:30'), end: hm('13:00'), phase: LUNCH },
    { start: hm('13:00'), end: hm('14:30'), phase: CONTINUOUS },
    { start: hm('14:30'), end: hm('14:45'), phase: ATC },
    { start: hm('14:45'), end: hm('15:00'), phase: PUT_THROUGH },
  ],
  hnx: [
    { start: hm('09:00'), end: hm('11:30'), phase: CONTINUOUS },
    { start: hm('11:30'), end: hm('13:00'), phase: LUNCH },
    { start: hm('13:00'), end: hm('14:30'), phase: CONTINUOUS },
    { start: hm('14:30'), end: hm('14:45'), phase: ATC },
    { start: hm('14:45'), end: hm('15:00'), phase: PUT_THROUGH },
  ],
  upcom: [
    { start: hm('09:00'), end: hm('11:30'), phase: CONTINUOUS },
    { start: hm('11:30'), end: hm('13:00'), phase: LUNCH },
    { start: hm('13:00'), end: hm('15:00'), phase: CONTINUOUS },
  ],
};

const TRADING_PHASES: ReadonlySet<Phase> = new Set([ATO, CONTINUOUS, ATC, PUT_THROUGH]);

/** Optional holiday set; the default is the bundle plus `HOLIDAYS_FILE`. */
export type CalendarOptions = { readonly holidays?: HolidaySet };

/**
 * Whether the exchanges trade on the ICT day of `time` (epoch ms) or on a `YYYY-MM-DD`
 * date: Monday to Friday and not a holiday.
 */
export function isTradingDay(time: number | string, options: CalendarOptions = {}): boolean {
  const day = typeof time === 'string' ? dateToDayNumber(time) : ictDayNumber(time);
  return isTradingDayNumber(day, options.holidays ?? defaultHolidaySet());
}

function isTradingDayNumber(day: number, holidays: HolidaySet): boolean {
  const weekday = dayOfWeek(day);
  return weekday !== 0 && weekday !== 6 && !holidays.has(dayNumberToDate(day));
}

/** The exchange's phase at an instant. */
export function phaseAt(timeMs: number, exchange: Exchange, options: CalendarOptions = {}): Phase {
  if (!isTradingDayNumber(ictDayNumber(timeMs), options.holidays ?? defaultHolidaySet()))
    return PHASES.CLOSED;
  const minute = ictMinuteOfDay(timeMs);
  const sessions = SESSIONS[exchange];
  if (minute < sessions[0].start) return PHASES.PRE_OPEN;
  return sessions.find((s) => minute >= s.start && minute < s.end)?.phase ?? PHASES.CLOSED;
}

/** Whether the exchange is in ATO, continuous, ATC or put-through at an instant. */
export function isTradingAt(timeMs: number, exchange: Exchange, options: CalendarOptions = {}): boolean {
  return TRADING_PHASES.has(phaseAt(timeMs, exchange, options));
}

/** Whether at least one exchange trades at an instant (what the ingest schedule follows). */
export function isMarketTradingAt(timeMs: number, options: CalendarOptions = {}): boolean {
  return ALL_EXCHANGES.some((exchange) => isTradingAt(timeMs, exchange, options));
}

/** A trading period of one day (consecutive trading sessions merged), ICT minutes. */
type Window = { start: number; end: number };

function tradingWindows(exchanges: readonly Exchange[]): Window[] {
  const minutes = exchanges
    .flatMap((e) => SESSIONS[e].filter((s) => TRADING_PHASES.has(s.phase)))
    .sort((a, b) => a.start - b.start);
  const windows: Window[] = [];
  for (const s of minutes) {
    const last = windows.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else windows.push({ start: s.start, end: s.end });
  }
  return windows;
}

/** Enough to cross the longest closure (Tet plus weekends is under two weeks). */
const SEARCH_DAYS = 366;

function nextBoundary(
  timeMs: number,
  exchanges: readonly Exchange[],
  edge: keyof Window,
  options: CalendarOptions,
) {
  const holidays = options.holidays ?? defaultHolidaySet();
  const windows = tradingWindows(exchanges);
  const firstDay = ictDayNumber(timeMs);
  for (let day = firstDay; day < firstDay + SEARCH_DAYS; day++) {
    if (!isTradingDayNumber(day, holidays)) continue;
    for (const w of windows) {
      const at = ictDayStart(day) + w[edge] * MINUTE_MS;
      if (at > timeMs) return at;
    }
  }
  throw new RangeError(`no trading day within ${SEARCH_DAYS} days of ${new Date(timeMs).toISOString()}`);
}

/**
 * The next instant strictly after `timeMs` at which the exchange starts trading after a
 * pause (09:00 or 13:00 ICT of a trading day), as epoch ms.
 */
export function nextOpen(timeMs: number, exchange: Exchange, options: CalendarOptions = {}): number {
  return nextBoundary(timeMs, [exchange], 'start', options);
}

/** The next instant strictly after `timeMs` at which the exchange stops trading (11:30 or 15:00 ICT). */
export function nextClose(timeMs: number, exchange: Exchange, options: CalendarOptions = {}): number {
  return nextBoundary(timeMs, [exchange], 'end', options);
}

/** `nextOpen` for the market as a whole: the first instant any exchange starts trading. */
export function nextMarketOpen(timeMs: number, options: CalendarOptions = {}): number {
  return nextBoundary(timeMs, ALL_EXCHANGES, 'start', options);
}

/** `nextClose` for the market as a whole: the first instant no exchange trades any more. */
export function nextMarketClose(timeMs: number, options: CalendarOptions = {}): number {
  return nextBoundary(timeMs, ALL_EXCHANGES, 'end', options);
}
