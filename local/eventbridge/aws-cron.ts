/**
 * EventBridge schedule expressions, evaluated in UTC with `croner`.
 *
 * AWS cron has six fields, `minutes hours day-of-month month day-of-week year`, with
 * `?` meaning "no value" in one of the two day fields, day-of-week numbered 1 (SUN)
 * to 7 (SAT) or named (`MON-FRI`), and `L`, `W`, `#` as in Quartz. croner's 7-field
 * mode is `seconds minutes hours day-of-month month day-of-week year`, so the
 * translation is: prepend `0` seconds, turn `?` into `*` (croner reads `?` as "the
 * value at start-up"), keep names, and run croner in Quartz weekday numbering
 * (`alternativeWeekdays`: SUN=1..SAT=7, as AWS) with day-of-month AND day-of-week
 * (AWS allows only one of them to be set, so AND is exact).
 *
 * `rate(N minutes|hours|days)` repeats every N units from an anchor time (when the
 * rule is loaded, as in EventBridge).
 *
 * @example
 * const s = parseSchedule('cron(55 1 ? * MON-FRI *)');
 * new Date(s.next(Date.parse('2026-04-18T00:00:00Z'))!).toISOString(); // '2026-04-20T01:55:00.000Z' (Monday)
 */

import { Cron } from 'croner';
import { LocalRuntimeError } from '../../core/errors.ts';

export class ScheduleExpressionError extends LocalRuntimeError {
  readonly code = 'SCHEDULE_EXPRESSION_INVALID';
  constructor(
    readonly expression: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`schedule expression ${JSON.stringify(expression)}: ${reason}`, options);
    this.name = 'ScheduleExpressionError';
  }
}

export type Schedule = {
  readonly expression: string;
  /** The first firing time strictly after `afterMs` (epoch ms), or undefined if there is none. */
  next(afterMs: number): number | undefined;
  /** The last firing time at or before `atMs` and after `notBeforeMs`, if any. */
  previous(atMs: number, notBeforeMs: number): number | undefined;
};

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Turns an AWS cron body (`55 1 ? * MON-FRI *`) into the croner 7-field pattern. */
export function toCronerPattern(awsCron: string): string {
  const fields = awsCron.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      awsCron,
      `AWS cron needs 6 fields (min hour dom month dow year), got ${fields.length}`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = fields;
  if (dom !== '?' && dow !== '?') {
    throw new ScheduleExpressionError(awsCron, 'one of day-of-month and day-of-week must be ?');
  }
  const day = (field: string) => (field === '?' ? '*' : field);
  return ['0', minutes, hours, day(dom), month, day(dow), year].join(' ');
}

export function parseSchedule(expression: string, anchorMs: number = Date.now()): Schedule {
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) return cronSchedule(expression, cron[1]);
  const rate = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression.trim());
  if (rate) return rateSchedule(expression, Number(rate[1]) * RATE_UNITS[rate[2]], anchorMs);
  throw new ScheduleExpressionError(expression, 'expected cron(...) or rate(N minutes|hours|days)');
}

function cronSchedule(expression: string, body: string): Schedule {
  let job: Cron;
  try {
    job = new Cron(toCronerPattern(body), {
      timezone: 'Etc/UTC',
      mode: '7-part',
      alternativeWeekdays: true,
      domAndDow: true,
      // AWS writes steps as 0/5 (start/step), which croner accepts only with sloppyRanges.
      sloppyRanges: true,
      paused: true,
    });
  } catch (error) {
    if (error instanceof ScheduleExpressionError) throw error;
    throw new ScheduleExpressionError(expression, (error as Error).message, { cause: error });
  }
  return {
    expression,
    next: (afterMs) => job.nextRun(new Date(afterMs))?.getTime(),
    previous: (atMs, notBeforeMs) => {
      // croner has no "previous run", so step forward from the lower bound.
      let last: number | undefined;
      let t = job.nextRun(new Date(notBeforeMs))?.getTime();
      while (t !== undefined && t <= atMs) {
        last = t;
        t = job.nextRun(new Date(t))?.getTime();
      }
      return last;
    },
  };
}

function rateSchedule(expression: string, periodMs: number, anchorMs: number): Schedule {
  if (periodMs <= 0) throw new ScheduleExpressionError(expression, 'the rate must be at least 1');
  return {
    expression,
    next: (afterMs) => anchorMs + (Math.floor((afterMs - anchorMs) / periodMs) + 1) * periodMs,
    previous: (atMs, notBeforeMs) => {
      if (atMs < anchorMs) return undefined;
      const t = anchorMs + Math.floor((atMs - anchorMs) / periodMs) * periodMs;
      return t > notBeforeMs ? t : undefined;
    },
  };
}
