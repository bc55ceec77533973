/**
 * The chaos run's verdicts on the source connections: how fast the ingest task got
 * frames again after each fault, and which frames sent on a connection never reached
 * the stream. Pure functions, like `checks.ts`.
 */
import { type Check, check } from './checks.ts';
import type { FaultEvent } from './fault-actions.ts';
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
 */
export function framesInTransit(
  analysis: StreamAnalysis,
  ledger: LedgerSummary,
  events: readonly FaultEvent[],
): { check: Check; figures: TransitFigures } {
  const deliveredBy = new Map<number, number>();
  let delivered = 0;
  let unmatched = 0;
  for (const [id, seen] of analysis.connections) {
    delivered += seen.frames;
    const client = analysis.clientOf.get(id);
    if (client === undefined) unmatched += seen.frames;
    else deliveredBy.set(client, (deliveredBy.get(client) ?? 0) + seen.frames);
  }
  const endedBy = new Map<number, FaultEvent>();
  for (const event of events)
    for (const client of event.clients) if (!endedBy.has(client)) endedBy.set(client, event);
  const violations: string[] = [];
  const lostBy: Record<string, number> = {};
  let sent = 0;
  for (const client of ledger.clients) {
    const out = textFramesSent(client);
    sent += out;
    const lost = out - (deliveredBy.get(client.id) ?? 0);
    if (lost === 0) continue;
    const event = endedBy.get(client.id);
    if (lost < 0)
      violations.push(`connection ${client.id}: ${-lost} more frames in the stream than the source sent it`);
    else if (!event?.lossAllowed) {
      violations.push(
        `connection ${client.id}: ${lost} of ${out} frames sent never reached the stream; it was ended by ${event?.name ?? 'nothing the run did'}${event?.track === 'process' ? ' (the ingest task dropped its socket without a closing handshake: frames already sent were discarded)' : ''}`,
      );
    }
    const key = event?.name ?? 'unexpected end';
    lostBy[key] = (lostBy[key] ?? 0) + lost;
  }
  if (unmatched > 0) violations.push(`${unmatched} frames on connections the ledger cannot name`);
  const withheldBySilence = ledger.clients.reduce((n, c) => n + c.droppedSilence, 0);
  const backpressure = ledger.clients.reduce((n, c) => n + c.droppedBackpressure, 0);
  if (backpressure > 0)
    violations.push(`${backpressure} frames dropped by the source because the ingest task read too slowly`);
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
      `${sent.toLocaleString('en-US')} sent, ${delivered.toLocaleString('en-US')} in the stream: ${figures.lost} lost in transit${where ? ` (${where})` : ''}; ` +
        `${ledger.framesWithoutClients.toLocaleString('en-US')} generated while no socket was open and ${withheldBySilence.toLocaleString('en-US')} withheld by silences (never sent); ` +
        `${analysis.duplicateFrames} stored twice (at-least-once delivery, no duplicate row)`,
    ),
    figures,
  };
}
