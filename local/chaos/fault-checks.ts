/**
 * The chaos run's verdicts on the faults that must change nothing but the rows' kinds:
 * data frames the feed altered (an extra field, junk in an unused field) stored as data,
 * the exchange correction stored as a `correction` row once confirmed, and the second
 * ingest connection overlapping the first without counting a share twice (conservation
 * itself is `volumeConservation` in `checks.ts`). Pure functions, like `checks.ts`.
 */
import { CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import type { LedgerCorrection } from '../simulator/ledger.ts';
import { type Check, check } from './checks.ts';
import type { TableRows } from './evidence.ts';
import type { LedgerSummary, MqttSummary } from './ledger-summary.ts';
import type { StreamAnalysis, SymbolSeen } from './stream-analysis.ts';

/** Altered frames that reached the stream all parse as stock frames (so their trades and quotes are derived). */
export function alteredFramesStored(analysis: StreamAnalysis, ledger: LedgerSummary): Check {
  if (ledger.mqtt) return alteredMessagesStored(analysis, ledger.mqtt);
  const sent = { 'extra-field': 0, 'junk-field': 0 };
  for (const client of ledger.clients) {
    sent['extra-field'] += client.altered['extra-field'];
    sent['junk-field'] += client.altered['junk-field'];
  }
  const violations = analysis.alteredRefused.map((raw) => `altered frame refused as a reject: ${raw}`);
  for (const kind of ['extra-field', 'junk-field'] as const) {
    const seen = analysis.altered[kind];
    if (sent[kind] > 0 && seen === 0)
      violations.push(`${sent[kind]} ${kind} frames sent, none in the stream`);
    if (seen > sent[kind]) violations.push(`${seen} ${kind} frames in the stream, only ${sent[kind]} sent`);
  }
  const refused = analysis.alteredRefused.length;
  return check(
    'altered frames stored as data',
    violations,
    `${sent['extra-field']} frames with a field appended and ${sent['junk-field']} with junk in an unused field sent; ` +
      `${analysis.altered['extra-field']} and ${analysis.altered['junk-field']} in the stream, ${refused} of them refused`,
  );
}

/**
 * Over MQTT: StockData messages sent with an unknown field or a junk value in an unmapped
 * field are stored as data. The alteration is what the decoder skips, so the frame in the
 * stream is the unaltered message's text (`alteredTexts`); a message the task could not
 * decode is counted by it and never forwarded, so it is missing from its connection. On
 * each connection whose frames all arrived, every altered message handed to it is found.
 */
function alteredMessagesStored(analysis: StreamAnalysis, mqtt: MqttSummary): Check {
  const sent = { 'extra-field': 0, 'junk-field': 0 };
  const violations: string[] = [];
  for (const c of mqtt.connections) {
    sent['extra-field'] += c.altered['extra-field'];
    sent['junk-field'] += c.altered['junk-field'];
    // Where the source cut the connection, frames may be missing for that reason alone.
    if ((analysis.connections.get(c.id)?.frames ?? 0) < c.frames) continue;
    const seen = analysis.alteredOn.get(c.id);
    for (const kind of ['extra-field', 'junk-field'] as const) {
      const missing = c.altered[kind] - (seen?.[kind] ?? 0);
      if (missing > 0)
        violations.push(
          `connection ${c.id}: ${missing} of ${c.altered[kind]} ${kind} messages handed to it not in the stream (not decoded?)`,
        );
    }
  }
  for (const kind of ['extra-field', 'junk-field'] as const)
    if (sent[kind] > 0 && analysis.altered[kind] === 0)
      violations.push(`${sent[kind]} ${kind} messages sent, none in the stream`);
  return check(
    'altered frames stored as data',
    violations,
    `over MQTT: ${sent['extra-field']} StockData messages with an unknown field (45 or 74) and ${sent['junk-field']} with junk in an unmapped field (exerciseRatio "1:2", isin "-") handed out; ` +
      `${analysis.altered['extra-field']} and ${analysis.altered['junk-field']} frames with their text in the stream, as data (an unaltered message may share an altered one's text)`,
  );
}

/**
 * Every `correction` row the stream implies is stored with its quantity, and no other; each
 * correction the market made is among them (confirmed by a frame 10 s later), or the
 * violation says why it could not be (no frame that late: the run ended too soon), unless
 * new trades took the volume back above the old total within those 10 s (then no frame can
 * tell it from a late one; the session makes another); and
 * none is implied where the market made none (late frames of the overlapping connection
 * must not pass for one).
 */
export function correctionsStored(analysis: StreamAnalysis, tables: TableRows, ledger: LedgerSummary): Check {
  const violations: string[] = [];
  const implied = impliedCorrections(analysis, tables, ledger, violations);
  const made: string[] = [];
  for (const c of ledger.corrections) {
    const outcome = madeCorrection(c, analysis.symbols.get(c.symbol));
    made.push(outcome.made);
    if (outcome.violation !== undefined) violations.push(outcome.violation);
  }
  return check(
    'exchange correction stored',
    violations,
    `${made.length ? made.join(', ') : 'no correction made'}; ${implied} correction row${implied === 1 ? '' : 's'} implied by the stream (confirmed ${CONFIRM_AFTER_MS / 1000} s later), ${implied - violations.filter((v) => v.startsWith('missing')).length} stored`,
  );
}

/**
 * The `correction` rows the stream implies against the stored ones (and against the
 * corrections the exchange made); pushes the violations, returns how many are implied.
 */
function impliedCorrections(
  analysis: StreamAnalysis,
  tables: TableRows,
  ledger: LedgerSummary,
  violations: string[],
): number {
  const stored = new Map(
    tables.trades.filter((r) => r.kind === 'correction').map((r) => [`${r.pk}|${r.sk}`, Number(r.quantity)]),
  );
  let implied = 0;
  for (const [symbol, seen] of analysis.symbols) {
    for (const [key, quantity] of seen.corrections) {
      implied++;
      // The rule's premise: only the exchange lowers a volume for longer than the confirmation delay.
      if (!ledger.corrections.some((c) => c.symbol === symbol && c.time <= sortKeyTime(key)))
        violations.push(
          `correction ${key} (${quantity}), but the exchange made none: a late frame taken for one`,
        );
      const got = stored.get(key);
      if (got === undefined) violations.push(`missing correction ${key} (${quantity})`);
      else if (got !== quantity)
        violations.push(`correction ${key}: quantity ${got}, frames say ${quantity}`);
      stored.delete(key);
    }
  }
  for (const key of stored.keys()) violations.push(`correction ${key} stored but not implied by the stream`);
  return implied;
}

/**
 * A correction the exchange made: how the summary names it, and the violation when the
 * stream carried its lower volume but implies no correction row for it.
 */
function madeCorrection(
  c: LedgerCorrection,
  seen: SymbolSeen | undefined,
): { made: string; violation?: string } {
  const range = `${c.symbol} ${c.fromVolume.toLocaleString('en-US')} → ${c.toVolume.toLocaleString('en-US')}`;
  if (c.overtakenAt !== undefined && c.overtakenAt < c.time + CONFIRM_AFTER_MS) {
    // New trades took the volume back above the old total first: no frame can confirm it.
    return {
      made: `${range} (overtaken by new trades ${((c.overtakenAt - c.time) / 1000).toFixed(1)} s later: by the rule a late frame)`,
    };
  }
  const rows = [...(seen?.corrections.entries() ?? [])].filter(([key]) => sortKeyTime(key) >= c.time);
  if (rows.length > 0) return { made: range };
  const pending = seen?.pending;
  if (!pending && (seen?.lastLowerTime === undefined || seen.lastLowerTime < c.time)) {
    // No frame showing the lower volume reached the stream (the lowered frames went while no
    // socket was open, a source fault): by the rule there is nothing to correct; the later
    // frames' growth over the old total is stored, so the day still adds up (conservation).
    return { made: `${range} (no lower frame reached the stream: not seen, nothing to correct)` };
  }
  const span = seen && pending ? (seen.lastFrameTime - pending.time) / 1000 : undefined;
  return {
    made: range,
    violation:
      `${c.symbol}: the exchange lowered its volume from ${c.fromVolume} to ${c.toVolume}, no correction row: ` +
      (span !== undefined
        ? `still pending at the end, the last frame only ${span.toFixed(1)} s after the first lower one (confirmation needs ${CONFIRM_AFTER_MS / 1000} s; the run ended too soon)`
        : 'a lower frame reached the stream, but no pending one was left to confirm (dropped by a later frame at or above the total)'),
  };
}

/**
 * The second ingest connection (the one whose clocks were skewed: over V2 its frames'
 * server time, field 101, and its task's clock; over MQTT, whose messages carry no send
 * time, its task's clock, which dates the frames by their receipt) really ran beside
 * another one, so both put the same shares into the stream: a sanity check that the
 * fault happened; that nothing was counted twice is conservation and "every trade, once".
 */
export function overlapHappened(analysis: StreamAnalysis, ledger: LedgerSummary): Check {
  const skewed = skewedConnections(analysis, ledger);
  const violations: string[] = [];
  const overlaps: string[] = [];
  const connections = [...analysis.connections.entries()];
  for (const [id, { label, skewMs }] of skewed) {
    const seen = analysis.connections.get(id);
    if (!seen) continue;
    let overlap = 0;
    for (const [other, o] of connections) {
      if (other === id) continue;
      overlap = Math.max(overlap, Math.min(seen.last, o.last) - Math.max(seen.first, o.first));
    }
    overlaps.push(
      `connection ${label} (${seen.frames.toLocaleString('en-US')} frames, clock ${skewMs > 0 ? '+' : ''}${skewMs / 1000} s) beside another for ${(overlap / 1000).toFixed(1)} s`,
    );
    if (overlap <= 0) violations.push(`connection ${label} delivered frames, but never beside another one`);
  }
  const expected = ledger.mqtt
    ? ledger.mqtt.connections.some((c) => c.clockSkewMs !== 0)
    : ledger.clients.some((c) => c.serverTimeSkewMs !== 0);
  if (expected && overlaps.length === 0)
    violations.push('the overlapping connection delivered no frame the ledger can name');
  let stale = 0;
  let dropped = 0;
  for (const seen of analysis.symbols.values()) {
    stale += seen.stale;
    dropped += seen.pendingDropped;
  }
  return check(
    'overlapping ingest connections',
    violations,
    `${overlaps.length ? overlaps.join('; ') : 'no overlapping connection'}; ${stale.toLocaleString('en-US')} stale frames skipped, ${dropped} lower volumes dropped as late frames`,
  );
}

/** Stream connection id → how the report names it and its clock skew, for the skewed connections. */
function skewedConnections(
  analysis: StreamAnalysis,
  ledger: LedgerSummary,
): Map<string, { label: string; skewMs: number }> {
  const out = new Map<string, { label: string; skewMs: number }>();
  if (ledger.mqtt) {
    for (const c of ledger.mqtt.connections)
      if (c.clockSkewMs !== 0) out.set(c.id, { label: c.id, skewMs: c.clockSkewMs });
    return out;
  }
  const skews = new Map(ledger.clients.map((c) => [c.id, c.serverTimeSkewMs]));
  for (const [id, client] of analysis.clientOf) {
    const skewMs = skews.get(client) ?? 0;
    if (skewMs !== 0) out.set(id, { label: String(client), skewMs });
  }
  return out;
}

/** The time of a trades sort key `pk|0001776137400000#...`. */
function sortKeyTime(key: string): number {
  return Number(key.slice(key.indexOf('|') + 1, key.indexOf('#', key.indexOf('|'))));
}
