/**
 * The ingest control state: one item in the control table, written by the schedule
 * (the session-control function) and obeyed by the ingest task, on AWS, next to
 * LocalStack and in the embedded runtime alike.
 *
 * Item shape (DynamoDB attribute map, see {@link toControlItem}):
 * `{ pk: 'ingest', desired: 'running' | 'stopped', reason: string, updatedAt: epochMs,
 *    session?: 'morning' | 'afternoon',
 *    overrideBy?, overrideWhy?, overrideAt?: epochMs, overrideUntil?: epochMs }`.
 *
 * The schedule fires `{ action: 'start' | 'stop', session }` shortly before each session
 * opens and after it closes, and `{ action: 'check' }` every five minutes during the
 * trading hours. The check is level-triggered: it writes the state the calendar implies
 * unless an operator override holds (see `session-reconcile.ts`), so a deploy, a restart
 * or a missed rule heals within one check. An operator records an override with
 * `{ action: 'override', desired, by, why, until? }` and ends it with
 * `{ action: 'resume', by, why }`.
 *
 * @example
 * const state = decideIngestState({ action: 'start', session: 'morning' }, Date.parse('2026-04-14T01:55:00Z'));
 * // { pk: 'ingest', desired: 'running', reason: 'morning session opens', updatedAt: ..., session: 'morning' }
 * await ddb.send(new PutItemCommand({ TableName, Item: toControlItem(state) }));
 * shouldIngest(fromControlItem(item), Date.now()); // true only in a trading window of a trading day
 */
import { FunctionError } from './errors.ts';
import type { CalendarOptions } from './market/calendar.ts';
import { isTradingDay } from './market/calendar.ts';
import { hm, ictMinuteOfDay } from './market/ict-time.ts';
import { CONTROL_ITEM_ID, TABLE_KEYS } from './tables.ts';

export const INGEST_STATES = { RUNNING: 'running', STOPPED: 'stopped' } as const;
export type IngestState = (typeof INGEST_STATES)[keyof typeof INGEST_STATES];

export const INGEST_SESSIONS = { MORNING: 'morning', AFTERNOON: 'afternoon' } as const;
export type IngestSession = (typeof INGEST_SESSIONS)[keyof typeof INGEST_SESSIONS];

export const CONTROL_ACTIONS = {
  START: 'start',
  STOP: 'stop',
  CHECK: 'check',
  OVERRIDE: 'override',
  RESUME: 'resume',
} as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[keyof typeof CONTROL_ACTIONS];

/**
 * What the schedule (start, stop, check) or an operator (override, resume) sends to the
 * session-control function. `desired` and `until` belong to an override; `by` and `why`
 * to an override or a resume.
 */
export type ControlEvent = {
  readonly action: ControlAction;
  readonly session?: IngestSession;
  readonly desired?: IngestState;
  readonly by?: string;
  readonly why?: string;
  /** Epoch ms the override ends; @default the end of its ICT day */
  readonly until?: number;
};

/** An operator's decision that the schedule obeys until `until`: who, when, why. */
export type ControlOverride = {
  readonly by: string;
  readonly why: string;
  readonly at: number;
  readonly until: number;
};

/** The control item, unmarshalled. */
export type ControlState = {
  readonly pk: typeof CONTROL_ITEM_ID;
  readonly desired: IngestState;
  readonly reason: string;
  readonly updatedAt: number;
  readonly session?: IngestSession;
  readonly override?: ControlOverride;
};

/** A DynamoDB attribute map limited to the types the control item uses (no SDK import in core). */
export type ControlAttributeMap = Record<string, { S: string } | { N: string }>;

/**
 * ICT windows in which ingestion may run: each session (09:00–11:30, 13:00–15:00) with
 * ten minutes' margin, so the schedule's start (5 min before the open) and stop (5 min
 * after the close) both fall inside, and a late websocket connect loses no opening frame.
 */
export const INGEST_WINDOWS: Readonly<Record<IngestSession, { readonly from: string; readonly to: string }>> =
  {
    morning: { from: '08:50', to: '11:40' },
    afternoon: { from: '12:50', to: '15:10' },
  };

/** Thrown on an event or an item that does not have the shape above. */
export class ControlShapeError extends FunctionError {
  readonly code = 'CONTROL_SHAPE_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ControlShapeError';
  }
}

const ACTIONS: ReadonlySet<string> = new Set(Object.values(CONTROL_ACTIONS));
const SESSIONS: ReadonlySet<string> = new Set(Object.values(INGEST_SESSIONS));
const STATES: ReadonlySet<string> = new Set(Object.values(INGEST_STATES));

/** Longest `by` or `why` accepted: a name and a sentence, not a document. */
const MAX_NOTE_LENGTH = 200;

/** Validates what the schedule (or an operator's `aws lambda invoke`) sent. */
export function parseControlEvent(input: unknown): ControlEvent {
  const event = (input ?? {}) as Record<string, unknown>;
  if (typeof event.action !== 'string' || !ACTIONS.has(event.action)) {
    throw new ControlShapeError(
      `action must be one of ${[...ACTIONS].join('|')}, got ${String(event.action)}`,
    );
  }
  if (event.session !== undefined && (typeof event.session !== 'string' || !SESSIONS.has(event.session))) {
    throw new ControlShapeError(
      `session must be one of ${[...SESSIONS].join('|')}, got ${String(event.session)}`,
    );
  }
  const action = event.action as ControlAction;
  if (action !== CONTROL_ACTIONS.OVERRIDE && action !== CONTROL_ACTIONS.RESUME) {
    return { action, session: event.session as IngestSession | undefined };
  }
  const note = (name: 'by' | 'why'): string => {
    const value = event[name];
    if (typeof value !== 'string' || !value.trim() || value.length > MAX_NOTE_LENGTH) {
      throw new ControlShapeError(`${action} needs ${name}: a text of 1..${MAX_NOTE_LENGTH} characters`);
    }
    return value.trim();
  };
  const by = note('by');
  const why = note('why');
  if (action === CONTROL_ACTIONS.RESUME) return { action, by, why };
  if (typeof event.desired !== 'string' || !STATES.has(event.desired)) {
    throw new ControlShapeError(
      `override needs desired: one of ${[...STATES].join('|')}, got ${String(event.desired)}`,
    );
  }
  const until = event.until === undefined ? undefined : Date.parse(String(event.until));
  if (until !== undefined && !Number.isFinite(until)) {
    throw new ControlShapeError(`override until must be an ISO time, got ${String(event.until)}`);
  }
  return { action, desired: event.desired as IngestState, by, why, ...(until ? { until } : {}) };
}

/**
 * The control state a `start` or `stop` event leads to at `nowMs`: `start` on a weekend
 * or a holiday writes `stopped` (the holiday calendar wins over the cron rule, which
 * knows only MON-FRI). Returns `undefined` for the other actions: `reconcileControl`
 * (session-reconcile.ts) decides those, and wraps this one.
 */
export function decideIngestState(
  event: ControlEvent,
  nowMs: number,
  options: CalendarOptions = {},
): ControlState | undefined {
  const session = event.session === undefined ? {} : { session: event.session };
  const label = event.session ? `${event.session} session` : 'session';
  if (event.action !== CONTROL_ACTIONS.START && event.action !== CONTROL_ACTIONS.STOP) return undefined;
  if (event.action === CONTROL_ACTIONS.STOP) {
    return {
      pk: CONTROL_ITEM_ID,
      desired: INGEST_STATES.STOPPED,
      reason: `${label} closed`,
      updatedAt: nowMs,
      ...session,
    };
  }
  if (!isTradingDay(nowMs, options)) {
    return {
      pk: CONTROL_ITEM_ID,
      desired: INGEST_STATES.STOPPED,
      reason: 'not a trading day',
      updatedAt: nowMs,
      ...session,
    };
  }
  return {
    pk: CONTROL_ITEM_ID,
    desired: INGEST_STATES.RUNNING,
    reason: `${label} opens`,
    updatedAt: nowMs,
    ...session,
  };
}

/** Whether `nowMs` falls in one of the {@link INGEST_WINDOWS} of a trading day. */
export function inIngestWindow(nowMs: number, options: CalendarOptions = {}): boolean {
  if (!isTradingDay(nowMs, options)) return false;
  const minute = ictMinuteOfDay(nowMs);
  return Object.values(INGEST_WINDOWS).some((w) => minute >= hm(w.from) && minute < hm(w.to));
}

/**
 * Whether the ingest task should hold its websocket now: the control item says
 * `running` and the calendar agrees (a trading day, inside an ingest window). A missing
 * item means stopped; a `running` left over from a missed stop expires with the window.
 */
export function shouldIngest(
  state: ControlState | undefined,
  nowMs: number,
  options: CalendarOptions = {},
): boolean {
  return state?.desired === INGEST_STATES.RUNNING && inIngestWindow(nowMs, options);
}

/**
 * The Fargate service's desired task count after handling `event`: a start or stop
 * follows the state it just wrote; a check (or an operator's override or resume) applies
 * the reconciled state within the ingest windows only (this heals a deploy that reset the
 * count to 0 mid-session, and keeps no task running outside the hours).
 */
export function desiredTaskCount(
  event: ControlEvent,
  state: ControlState | undefined,
  nowMs: number,
  options: CalendarOptions = {},
): 0 | 1 {
  if (event.action === CONTROL_ACTIONS.START || event.action === CONTROL_ACTIONS.STOP) {
    return state?.desired === INGEST_STATES.RUNNING ? 1 : 0;
  }
  return shouldIngest(state, nowMs, options) ? 1 : 0;
}

/** The control item's key, as a DynamoDB attribute map (GetItem `Key`). */
export function controlKey(): { pk: { S: string } } {
  return { [TABLE_KEYS.partitionKey]: { S: CONTROL_ITEM_ID } } as { pk: { S: string } };
}

/** Marshals a control state for PutItem (works with the SDK and with `aws dynamodb put-item --item`). */
export function toControlItem(state: ControlState): ControlAttributeMap {
  const item: ControlAttributeMap = {
    [TABLE_KEYS.partitionKey]: { S: state.pk },
    desired: { S: state.desired },
    reason: { S: state.reason },
    updatedAt: { N: String(state.updatedAt) },
  };
  if (state.session) item.session = { S: state.session };
  if (state.override) {
    item.overrideBy = { S: state.override.by };
    item.overrideWhy = { S: state.override.why };
    item.overrideAt = { N: String(state.override.at) };
    item.overrideUntil = { N: String(state.override.until) };
  }
  return item;
}

/**
 * Unmarshals a GetItem result; `undefined` when there is no item. Throws
 * {@link ControlShapeError} on an item someone wrote by hand with a wrong shape, so the
 * mistake is reported instead of being read as `stopped`.
 */
export function fromControlItem(item: Record<string, unknown> | undefined): ControlState | undefined {
  if (!item) return undefined;
  const s = (name: string): string | undefined => (item[name] as { S?: string } | undefined)?.S;
  const desired = s('desired');
  const session = s('session');
  const updatedAt = Number((item.updatedAt as { N?: string } | undefined)?.N);
  if (s(TABLE_KEYS.partitionKey) !== CONTROL_ITEM_ID)
    throw new ControlShapeError(`control item pk is not ${CONTROL_ITEM_ID}`);
  if (!desired || !STATES.has(desired))
    throw new ControlShapeError(`control item desired is ${String(desired)}`);
  if (!Number.isFinite(updatedAt)) throw new ControlShapeError('control item updatedAt is not a number');
  if (session !== undefined && !SESSIONS.has(session))
    throw new ControlShapeError(`control item session is ${session}`);
  const override = readOverride(item, s);
  return {
    pk: CONTROL_ITEM_ID,
    desired: desired as IngestState,
    reason: s('reason') ?? '',
    updatedAt,
    ...(session ? { session: session as IngestSession } : {}),
    ...(override ? { override } : {}),
  };
}

/** The override attributes: all four or none (an operator may write them with put-item). */
function readOverride(
  item: Record<string, unknown>,
  s: (name: string) => string | undefined,
): ControlOverride | undefined {
  const n = (name: string) => Number((item[name] as { N?: string } | undefined)?.N);
  const names = ['overrideBy', 'overrideWhy', 'overrideAt', 'overrideUntil'];
  const present = names.filter((name) => item[name] !== undefined);
  if (present.length === 0) return undefined;
  const by = s('overrideBy');
  const why = s('overrideWhy');
  const at = n('overrideAt');
  const until = n('overrideUntil');
  if (!by || !why || !Number.isFinite(at) || !Number.isFinite(until)) {
    throw new ControlShapeError(
      `control item override needs overrideBy and overrideWhy (S), overrideAt and overrideUntil (N, epoch ms); has ${present.join(', ')}`,
    );
  }
  return { by, why, at, until };
}
