/**
 * The level-triggered session schedule: what the control item should say at an instant,
 * and whether the session-control function must write it. Pure: the handler reads the
 * item, calls {@link reconcileControl}, writes when told to.
 *
 * - `start` / `stop` (the rules' edges) write what they always wrote (the holiday
 *   calendar wins over a start).
 * - `check` (every 5 minutes) compares the stored item with {@link scheduledState}, the
 *   state the rules would have left at that instant, and writes it when they differ: a
 *   missing item (a fresh deploy, a LocalStack restart), a stale one (a missed stop or
 *   start) heal within one check. Kubernetes controllers work the same way.
 * - An operator override (`override` with who/why/until) is obeyed by every rule until it
 *   ends; the first check after that writes the calendar's state again. `resume` ends it now.
 *
 * @example
 * const { state, write } = reconcileControl({ action: 'check' }, stored, Date.now());
 * if (write) await putItem(toControlItem(state));
 */
import type { ControlEvent, ControlState, IngestSession, IngestState } from './control.ts';
import { CONTROL_ACTIONS, decideIngestState, INGEST_STATES } from './control.ts';
import type { CalendarOptions } from './market/calendar.ts';
import { isTradingDay } from './market/calendar.ts';
import { hm, ictDayNumber, ictDayStart, ictMinuteOfDay } from './market/ict-time.ts';
import { CONTROL_ITEM_ID } from './tables.ts';

/**
 * When the schedule's start and stop rules fire, ICT (the one home of these times: the
 * EventBridge rules in infra/constructs/session-schedule.ts are derived from them).
 * - start 5 min before the 09:00 open (ATO) and the 13:00 reopening: time to start a
 *   task and connect;
 * - stop 5 min after the 11:30 lunch break and after put-through ends at 15:00, late
 *   frames included.
 */
export const SESSION_SCHEDULE: Readonly<
  Record<IngestSession, { readonly start: string; readonly stop: string }>
> = {
  morning: { start: '08:55', stop: '11:35' },
  afternoon: { start: '12:55', stop: '15:05' },
};

/** The state the start and stop rules imply at `nowMs`: running from a start to its stop on a trading day. */
export function scheduledState(
  nowMs: number,
  options: CalendarOptions = {},
): { readonly desired: IngestState; readonly reason: string; readonly session?: IngestSession } {
  if (!isTradingDay(nowMs, options)) return { desired: INGEST_STATES.STOPPED, reason: 'not a trading day' };
  const minute = ictMinuteOfDay(nowMs);
  for (const [session, times] of Object.entries(SESSION_SCHEDULE) as [
    IngestSession,
    typeof SESSION_SCHEDULE.morning,
  ][]) {
    if (minute >= hm(times.start) && minute < hm(times.stop)) {
      return {
        desired: INGEST_STATES.RUNNING,
        reason: `${session} session (${times.start}–${times.stop} ICT)`,
        session,
      };
    }
  }
  return { desired: INGEST_STATES.STOPPED, reason: 'outside the sessions' };
}

/** Whether an override holds at `nowMs`. */
export function overrideActive(state: ControlState | undefined, nowMs: number): boolean {
  return state?.override !== undefined && nowMs < state.override.until;
}

/** The end of the ICT day of `nowMs`: an override given without `until` lasts the day. */
export function endOfIctDay(nowMs: number): number {
  return ictDayStart(ictDayNumber(nowMs) + 1);
}

export type Reconciled = {
  /** What the control item says after this event. */
  readonly state: ControlState;
  /** Whether the handler must write `state` (it differs from what is stored). */
  readonly write: boolean;
};

/** The control state after `event` at `nowMs`, given what is `stored`. */
export function reconcileControl(
  event: ControlEvent,
  stored: ControlState | undefined,
  nowMs: number,
  options: CalendarOptions = {},
): Reconciled {
  if (event.action === CONTROL_ACTIONS.OVERRIDE) {
    const until = event.until ?? endOfIctDay(nowMs);
    const by = event.by ?? 'unknown';
    const why = event.why ?? '';
    return {
      state: {
        pk: CONTROL_ITEM_ID,
        desired: event.desired ?? INGEST_STATES.STOPPED,
        reason: `override by ${by}: ${why}`,
        updatedAt: nowMs,
        override: { by, why, at: nowMs, until },
      },
      write: true,
    };
  }
  if (event.action !== CONTROL_ACTIONS.RESUME && stored && overrideActive(stored, nowMs)) {
    return { state: stored, write: false };
  }
  if (event.action === CONTROL_ACTIONS.START || event.action === CONTROL_ACTIONS.STOP) {
    const state = decideIngestState(event, nowMs, options);
    if (state) return { state, write: true };
  }
  const scheduled = scheduledState(nowMs, options);
  const resumed = event.action === CONTROL_ACTIONS.RESUME;
  if (!resumed && stored && !stored.override && stored.desired === scheduled.desired) {
    return { state: stored, write: false };
  }
  const cause = resumed
    ? `resumed by ${event.by}: ${event.why}`
    : stored?.override
      ? `override by ${stored.override.by} ended`
      : stored
        ? 'check found it stale'
        : 'check found no control item';
  return {
    state: {
      pk: CONTROL_ITEM_ID,
      desired: scheduled.desired,
      reason: `${scheduled.reason}; ${cause}`,
      updatedAt: nowMs,
      ...(scheduled.session ? { session: scheduled.session } : {}),
    },
    write: true,
  };
}
