/**
 * The chaos run's verdicts on the faults that must change nothing but the rows' kinds:
 * data frames the feed altered (an extra field, junk in an unused field) stored as data,
 * the exchange correction stored as a `correction` row once confirmed, and the second
 * ingest connection overlapping the first without counting a share twice (conservation
 * itself is `volumeConservation` in `checks.ts`). Pure functions, like `checks.ts`.
 */
import { CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import { type Check, check } from './checks.ts';
import type { TableRows } from './evidence.ts';
import type { LedgerSummary } from './ledger-summary.ts';
import type { StreamAnalysis } from './stream-analysis.ts';

/** Altered frames that reached the stream all parse as stock frames (so their trades and quotes are derived). */
export function alteredFramesStored(analysis: StreamAnalysis, ledger: LedgerSummary): Check {
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
 * Every `correction` row the stream implies is stored with its quantity, and no other; each
 * correction the market made is among them (confirmed by a frame 10 s later), or the
 * violation says why it could not be (no frame that late: the run ended too soon), unless
 * new trades took the volume back above the old total within those 10 s (then no frame can
 * tell it from a late one; the session makes another); and
 * none is implied where the market made none (late frames of the overlapping connection
 * must not pass for one).
 */
export function correctionsStored(analysis: StreamAnalysis, tables: TableRows, ledger: LedgerSummary): Check {
  const stored = new Map(
    tables.trades.filter((r) => r.kind === 'correction').map((r) => [`${r.pk}|${r.sk}`, Number(r.quantity)]),
  );
  const violations: string[] = [];
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
  const made: string[] = [];
  for (const c of ledger.corrections) {
    const range = `${c.symbol} ${c.fromVolume.toLocaleString('en-US')} → ${c.toVolume.toLocaleString('en-US')}`;
    if (c.overtakenAt !== undefined && c.overtakenAt < c.time + CONFIRM_AFTER_MS) {
      // New trades took the volume back above the old total first: no frame can confirm it.
      made.push(
        `${range} (overtaken by new trades ${((c.overtakenAt - c.time) / 1000).toFixed(1)} s later: by the rule a late frame)`,
      );
      continue;
    }
    made.push(range);
    const seen = analysis.symbols.get(c.symbol);
    const rows = [...(seen?.corrections.entries() ?? [])].filter(([key]) => sortKeyTime(key) >= c.time);
    if (rows.length > 0) continue;
    const pending = seen?.pending;
    if (!pending && (seen?.lastLowerTime === undefined || seen.lastLowerTime < c.time)) {
      // No frame showing the lower volume reached the stream (the lowered frames went while no
      // socket was open, a source fault): by the rule there is nothing to correct; the later
      // frames' growth over the old total is stored, so the day still adds up (conservation).
      made[made.length - 1] = `${range} (no lower frame reached the stream: not seen, nothing to correct)`;
      continue;
    }
    const span = seen && pending ? (seen.lastFrameTime - pending.time) / 1000 : undefined;
    violations.push(
      `${c.symbol}: the exchange lowered its volume from ${c.fromVolume} to ${c.toVolume}, no correction row: ` +
        (span !== undefined
          ? `still pending at the end, the last frame only ${span.toFixed(1)} s after the first lower one (confirmation needs ${CONFIRM_AFTER_MS / 1000} s; the run ended too soon)`
          : 'a lower frame reached the stream, but no pending one was left to confirm (dropped by a later frame at or above the total)'),
    );
  }
  return check(
    'exchange correction stored',
    violations,
    `${made.length ? made.join(', ') : 'no correction made'}; ${implied} correction row${implied === 1 ? '' : 's'} implied by the stream (confirmed ${CONFIRM_AFTER_MS / 1000} s later), ${implied - violations.filter((v) => v.startsWith('missing')).length} stored`,
  );
}

/**
 * The second ingest connection (the one whose frames' server time was skewed) really ran
 * beside another one, so both put the same shares into the stream: a sanity check that the
 * fault happened; that nothing was counted twice is conservation and "every trade, once".
 */
export function overlapHappened(analysis: StreamAnalysis, ledger: LedgerSummary): Check {
  const skewed = new Set(ledger.clients.filter((c) => c.serverTimeSkewMs !== 0).map((c) => c.id));
  const violations: string[] = [];
  const overlaps: string[] = [];
  const connections = [...analysis.connections.entries()];
  for (const [id, seen] of connections) {
    const client = analysis.clientOf.get(id);
    if (client === undefined || !skewed.has(client)) continue;
    let overlap = 0;
    for (const [other, o] of connections) {
      if (other === id) continue;
      overlap = Math.max(overlap, Math.min(seen.last, o.last) - Math.max(seen.first, o.first));
    }
    const skew = ledger.clients.find((c) => c.id === client)?.serverTimeSkewMs ?? 0;
    overlaps.push(
      `connection ${client} (${seen.frames.toLocaleString('en-US')} frames, clock ${skew > 0 ? '+' : ''}${skew / 1000} s) beside another for ${(overlap / 1000).toFixed(1)} s`,
    );
    if (overlap <= 0) violations.push(`connection ${client} delivered frames, but never beside another one`);
  }
  if (skewed.size > 0 && overlaps.length === 0)
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

/** The time of a trades sort key `pk|0001776137400000#...`. */
function sortKeyTime(key: string): number {
  return Number(key.slice(key.indexOf('|') + 1, key.indexOf('#', key.indexOf('|'))));
}
