/**
 * The chaos run's verdicts on the source connections: how fast the ingest task got
 * frames again after each fault, and which frames sent on a connection never reached
 * the stream. Pure functions, like `checks.ts`.
 */
import { type Check, check } from './checks.ts';
import type { ClientRef, FaultEvent } from './fault-actions.ts';
import { type LedgerSummary, textFramesSent } from './ledger-summary.ts';
import type { StreamAnalysis } from './stream-analysis.ts';

export type Reconnect = {
  readonly event: string;
  readonly seconds: number | undefined;
  readonly outageSeconds: number | undefined;
};

/** For each fault that forces a new connection: how long after it ended the first frame arrived on a new one. */
export function reconnects(
  analysis: StreamAnalysis,
  events: readonly FaultEvent[],
  limitSeconds: number,
): { check: Check; times: Reconnect[] } {
  const firsts = [...analysis.connections.values()].map((c) => c.first).sort((a, b) => a - b);
  const violations: string[] = [];
  const times: Reconnect[] = [];
  for (const event of events.filter((e) => e.reconnects)) {
    const first = firsts.find((t) => t > event.startedAt);
    const from = Math.max(event.startedAt, event.endedAt);
    const seconds = first === undefined ? undefined : Math.max(0, first - from) / 1000;
    const outageSeconds = first === undefined ? undefined : (first - event.startedAt) / 1000;
    times.push({ event: event.name, seconds, outageSeconds });
    if (seconds === undefined)
      violations.push(`${event.name}: no new connection delivered frames afterwards`);
    else if (seconds > limitSeconds)
      violations.push(
        `${event.name}: first frame ${seconds.toFixed(1)} s after the fault ended (limit ${limitSeconds} s)`,
      );
  }
  const shown = times.map((t) => (t.seconds === undefined ? 'never' : `${t.seconds.toFixed(1)}`)).join(', ');
  return {
    check: check(
      'reconnect after each source fault',
      violations,
      `seconds from the fault's end to the first frame on a new connection: ${shown}`,
    ),
    times,
  };
}

export type TransitFigures = {
  readonly sent: number;
  readonly delivered: number;
  readonly lost: number;
  /** Frames lost, per fault that dropped the connection they were sent on. */
  readonly lostBy: Readonly<Record<string, number>>;
  readonly generatedWithoutSocket: number;
  readonly withheldBySilence: number;
  readonly duplicates: number;
};

/**
 * Frames lost in transit: sent into a socket (the ledger, per connection) but absent from
 * the stream (matched per connection through frames the ledger knows). Allowed only on a
 * connection the source cut without a closing handshake (what it had not written out is
 * gone, as on the real feed). Every other end — a close handshake, the watchdog during a
 * silence, the ingest task's SIGTERM, a runtime stop — must lose nothing that was sent.
 * Frames generated while no socket was open were never sent: counted apart.
 * Over MQTT see {@link mqttFramesInTransit}.
 */
export function framesInTransit(
  analysis: StreamAnalysis,
  ledger: LedgerSummary,
  events: readonly FaultEvent[],
): { check: Check; figures: TransitFigures } {
  if (ledger.mqtt) return mqttFramesInTransit(analysis, ledger, events);
  const deliveredBy = new Map<number, number>();
  let delivered = 0;
  let unmatched = 0;
  for (const [id, seen] of analysis.connections) {
    delivered += seen.frames;
    const client = analysis.clientOf.get(id);
    if (client === undefined) unmatched += seen.frames;
    else deliveredBy.set(client, (deliveredBy.get(client) ?? 0) + seen.frames);
  }
  const rows = ledger.clients.map((client) => ({
    id: client.id,
    sent: textFramesSent(client),
    inStream: deliveredBy.get(client.id) ?? 0,
  }));
  const { violations, lostBy, sent } = losses(rows, events);
  if (unmatched > 0) violations.push(`${unmatched} frames on connections the ledger cannot name`);
  const withheldBySilence = ledger.clients.reduce((n, c) => n + c.droppedSilence, 0);
  const backpressure = ledger.clients.reduce((n, c) => n + c.droppedBackpressure, 0);
  if (backpressure > 0)
    violations.push(`${backpressure} frames dropped by the source because the ingest task read too slowly`);
  return transitVerdict(analysis, ledger, { sent, delivered, lostBy, withheldBySilence, violations }, '');
}

/**
 * Frames lost in transit over MQTT: per broker client connection (its clientId is the
 * ingest task's connection id, so the stream names it directly), the StockData messages
 * written into it, per symbol, against the frames of that connection in the stream. The
 * payloads that are not StockData (the run's undecodable ones) are counted by the task
 * and never forwarded: subtracted, and shown. Every close by the broker is a cut (MQTT has
 * no closing handshake): loss is allowed there; every end the ingest side makes must lose
 * nothing.
 */
export function mqttFramesInTransit(
  analysis: StreamAnalysis,
  ledger: LedgerSummary,
  events: readonly FaultEvent[],
): { check: Check; figures: TransitFigures } {
  const connections = ledger.mqtt?.connections ?? [];
  const known = new Set(connections.map((c) => c.id));
  let delivered = 0;
  let unmatched = 0;
  for (const [id, seen] of analysis.connections) {
    delivered += seen.frames;
    if (!known.has(id)) unmatched += seen.frames;
  }
  const rows = connections.map((c) => ({
    id: c.id,
    sent: c.frames,
    inStream: analysis.connections.get(c.id)?.frames ?? 0,
    detail: symbolsShort(c.stock, analysis.connectionSymbols.get(c.id)),
  }));
  const { violations, lostBy, sent } = losses(rows, events);
  if (unmatched > 0)
    violations.push(`${unmatched} frames on connections the broker never had as a client (by clientId)`);
  const undecodable = connections.reduce((n, c) => n + c.undecodable, 0);
  return transitVerdict(
    analysis,
    ledger,
    { sent, delivered, lostBy, withheldBySilence: ledger.mqtt?.droppedSilence ?? 0, violations },
    ` over ${connections.length} MQTT connections, matched by clientId; ${undecodable.toLocaleString('en-US')} undecodable payloads handed out besides (counted by the task, never forwarded: not in "sent")`,
  );
}

type TransitRow = { id: ClientRef; sent: number; inStream: number; detail?: string };

/** Per connection: sent against the stream, each loss judged by the fault that ended the connection. */
function losses(
  rows: readonly TransitRow[],
  events: readonly FaultEvent[],
): { violations: string[]; lostBy: Record<string, number>; sent: number } {
  const endedBy = new Map<ClientRef, FaultEvent>();
  for (const event of events)
    for (const client of event.clients) if (!endedBy.has(client)) endedBy.set(client, event);
  const violations: string[] = [];
  const lostBy: Record<string, number> = {};
  let sent = 0;
  for (const row of rows) {
    sent += row.sent;
    const lost = row.sent - row.inStream;
    if (lost === 0) continue;
    const event = endedBy.get(row.id);
    const violation = lossViolation(row, lost, event);
    if (violation !== undefined) violations.push(violation);
    const key = event?.name ?? 'unexpected end';
    lostBy[key] = (lostBy[key] ?? 0) + lost;
  }
  return { violations, lostBy, sent };
}

/** A connection's frames off by `lost` (negative: more in the stream than sent): wrong unless its ending allows loss. */
function lossViolation(row: TransitRow, lost: number, event: FaultEvent | undefined): string | undefined {
  const detail = row.detail ? ` (${row.detail})` : '';
  if (lost < 0)
    return `connection ${row.id}: ${-lost} more frames in the stream than the source sent it${detail}`;
  if (event?.lossAllowed) return undefined;
  return `connection ${row.id}: ${lost} of ${row.sent} frames sent never reached the stream${detail}; it was ended by ${event?.name ?? 'nothing the run did'}${event?.track === 'process' ? ' (the ingest task dropped its socket without a closing handshake: frames already sent were discarded)' : ''}`;
}

function transitVerdict(
  analysis: StreamAnalysis,
  ledger: LedgerSummary,
  counts: {
    sent: number;
    delivered: number;
    lostBy: Record<string, number>;
    withheldBySilence: number;
    violations: string[];
  },
  note: string,
): { check: Check; figures: TransitFigures } {
  const { sent, delivered, lostBy, withheldBySilence, violations } = counts;
  const figures = {
    sent,
    delivered,
    lost: sent - delivered,
    lostBy,
    generatedWithoutSocket: ledger.framesWithoutClients,
    withheldBySilence,
    duplicates: analysis.duplicateFrames,
  };
  const where = Object.entries(lostBy)
    .map(([name, n]) => `${n} at ${name}`)
    .join(', ');
  return {
    check: check(
      'frames lost in transit',
      violations,
      `${sent.toLocaleString('en-US')} sent, ${delivered.toLocaleString('en-US')} in the stream${note}: ${figures.lost} lost in transit${where ? ` (${where})` : ''}; ` +
        `${ledger.framesWithoutClients.toLocaleString('en-US')} generated while no socket was open and ${withheldBySilence.toLocaleString('en-US')} withheld by silences (never sent); ` +
        `${analysis.duplicateFrames} stored twice (at-least-once delivery, no duplicate row)`,
    ),
    figures,
  };
}

/** Symbols of which fewer (or more) frames reached the stream than were sent: `FPT 118/120, ...`. */
function symbolsShort(
  sent: ReadonlyMap<string, number>,
  seen: ReadonlyMap<string, number> | undefined,
): string | undefined {
  const off: string[] = [];
  for (const symbol of new Set([...sent.keys(), ...(seen?.keys() ?? [])])) {
    const s = sent.get(symbol) ?? 0;
    const got = seen?.get(symbol) ?? 0;
    if (s !== got) off.push(`${symbol} ${got}/${s}`);
  }
  if (off.length === 0) return undefined;
  return `in the stream/sent: ${off.slice(0, 5).join(', ')}${off.length > 5 ? `, ${off.length - 5} more symbols` : ''}`;
}
