/**
 * The chaos run's verdicts on the tables, pure functions of what was gathered (stream
 * analysis, table rows, the simulator's ledger). Each returns a {@link Check}: a name,
 * pass or fail, a one-line summary with the figures, and the first few violations.
 * The verdicts on connections (reconnects, frames in transit) are in `connection-checks.ts`.
 */
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import type { Row, TableRows } from './evidence.ts';
import type { CorruptRecord } from './fault-actions.ts';
import type { LedgerSummary } from './ledger-summary.ts';
import type { StreamAnalysis } from './stream-analysis.ts';

export type Check = {
  readonly name: string;
  readonly ok: boolean;
  readonly summary: string;
  readonly violations: readonly string[];
};

/** Violations listed per check; the count is always given. */
const SHOWN = 8;

export function check(name: string, violations: string[], summary: string): Check {
  return { name, ok: violations.length === 0, summary, violations: violations.slice(0, SHOWN) };
}

function tradesBySymbol(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const row of rows) {
    const symbol = row.pk.slice(0, row.pk.indexOf('#'));
    const list = out.get(symbol) ?? [];
    list.push(row);
    out.set(symbol, list);
  }
  return out;
}

/**
 * Per symbol-day: the stored rows (every kind) add up to the exchange's total — the
 * cumulative volume of the ledger's last frame of the symbol when it reached the stream,
 * else the last one the stream carried — whatever reconnects, faults and restarts did.
 */
export function volumeConservation(
  analysis: StreamAnalysis,
  tables: TableRows,
  ledger: LedgerSummary,
): Check {
  const stored = tradesBySymbol(tables.trades);
  const violations: string[] = [];
  let volume = 0;
  let fromLedger = 0;
  for (const [symbol, seen] of analysis.symbols) {
    const sum = (stored.get(symbol) ?? []).reduce((n, r) => n + Number(r.quantity), 0);
    const last = analysis.lastFramesDelivered.has(symbol) ? ledgerVolume(ledger, symbol) : undefined;
    const expected = last ?? seen.volume;
    if (last !== undefined) fromLedger++;
    volume += expected;
    if (sum !== expected)
      violations.push(
        `${symbol}: rows sum to ${sum}, the exchange total is ${expected} (${last !== undefined ? "the ledger's last frame" : 'the last frame in the stream'})`,
      );
  }
  for (const symbol of stored.keys())
    if (!analysis.symbols.has(symbol)) violations.push(`${symbol}: trades stored but no frame in the stream`);
  return check(
    'volume conservation',
    violations,
    `${analysis.symbols.size} symbols (${fromLedger} against the ledger's last frame), ${volume.toLocaleString('en-US')} shares: Σ stored rows = the exchange's cumulative volume`,
  );
}

function ledgerVolume(ledger: LedgerSummary, symbol: string): number | undefined {
  const raw = ledger.lastFrames.get(symbol);
  const frame = raw === undefined ? undefined : parseFrame(raw);
  return frame?.kind === 'stock' ? frame.totalVolume : undefined;
}

/** Every trade the stream's frames imply is stored once as a `trade` row with its quantity, and no other `trade` row is. */
export function tradesMatchStream(analysis: StreamAnalysis, tables: TableRows): Check {
  const stored = new Map(
    tables.trades.filter((r) => r.kind === 'trade').map((r) => [`${r.pk}|${r.sk}`, Number(r.quantity)]),
  );
  const violations: string[] = [];
  let expected = 0;
  for (const seen of analysis.symbols.values()) {
    for (const [key, quantity] of seen.trades) {
      expected++;
      const got = stored.get(key);
      if (got === undefined) violations.push(`missing trade ${key} (${quantity})`);
      else if (got !== quantity) violations.push(`trade ${key}: quantity ${got}, frames say ${quantity}`);
      stored.delete(key);
    }
  }
  for (const key of stored.keys()) violations.push(`trade ${key} stored but not implied by the stream`);
  return check(
    'every trade, once',
    violations,
    `${expected.toLocaleString('en-US')} trades implied by the stream, ${tables.trades.length.toLocaleString('en-US')} stored`,
  );
}

/** No trade twice under two keys (one row per cumulative volume), and the bars add up to the trades. */
export function noDuplicateRows(tables: TableRows): Check {
  const violations: string[] = [];
  const perDay = tradeDays(tables.trades, violations);
  const bars = barSums(tables.bars);
  for (const [pk, day] of perDay) {
    const bar = bars.get(pk) ?? { volume: 0, trades: 0 };
    if (bar.volume !== day.quantity || bar.trades !== day.seen) {
      violations.push(
        `${pk}: bars hold ${bar.volume} shares in ${bar.trades} trades, trades table ${day.quantity} in ${day.seen} trade/opening rows`,
      );
    }
  }
  for (const pk of bars.keys()) if (!perDay.has(pk)) violations.push(`${pk}: bars without trades`);
  return check(
    'no duplicate rows',
    violations,
    `${tables.trades.length.toLocaleString('en-US')} rows (one per cumulative volume), ${tables.bars.length.toLocaleString('en-US')} bars summing to them, ${tables.indices.length.toLocaleString('en-US')} index rows`,
  );
}

type TradeDay = { volumes: Set<number>; quantity: number; seen: number; corrected: boolean };

/**
 * Per symbol-day (pk): the trade rows' ends, quantity and trade/opening rows; pushes a
 * violation for two rows ending at one cumulative volume and for a quantity not above 0.
 */
function tradeDays(rows: readonly Row[], violations: string[]): Map<string, TradeDay> {
  const perDay = new Map<string, TradeDay>();
  for (const row of rows) {
    const day = perDay.get(row.pk) ?? { volumes: new Set(), quantity: 0, seen: 0, corrected: false };
    const cumVolume = Number(row.cumVolume);
    const correction = row.kind === 'correction';
    // After a correction the volume climbs again through values it had: ends may repeat.
    if (day.volumes.has(cumVolume) && !day.corrected && !correction)
      violations.push(`${row.pk}: two rows end at cumulative volume ${cumVolume}`);
    if (!correction && !(Number(row.quantity) > 0))
      violations.push(`${row.pk} ${row.sk}: quantity ${row.quantity}`);
    day.corrected ||= correction;
    day.volumes.add(cumVolume);
    day.quantity += Number(row.quantity);
    if (row.kind === 'trade' || row.kind === 'opening') day.seen++;
    perDay.set(row.pk, day);
  }
  return perDay;
}

/** Per symbol-day (pk): the bars' shares (own and other volume) and trades. */
function barSums(bars: readonly Row[]): Map<string, { volume: number; trades: number }> {
  const sums = new Map<string, { volume: number; trades: number }>();
  for (const bar of bars) {
    const sum = sums.get(bar.pk) ?? { volume: 0, trades: 0 };
    sum.volume += Number(bar.volume) + Number(bar.otherVolume ?? 0);
    sum.trades += Number(bar.trades);
    sums.set(bar.pk, sum);
  }
  return sums;
}

const QUOTE_FIELDS = [
  'lastPrice',
  'lastVolume',
  'openPrice',
  'high',
  'low',
  'averagePrice',
  'change',
  'changePercent',
  'totalVolume',
  'totalValue',
  'foreignBuyVolume',
  'foreignSellVolume',
  'foreignRoom',
  'ceiling',
  'floor',
  'reference',
  'serverTime',
] as const;

/**
 * For every symbol whose last frame (per the ledger) reached the stream, the quote is that
 * frame; or, when the rule skipped it (stale against a clock another connection set ahead),
 * the last frame the rule applied.
 */
export function quotesMatchLedger(analysis: StreamAnalysis, tables: TableRows, ledger: LedgerSummary): Check {
  const quotes = new Map(tables.quotes.map((q) => [q.pk, q]));
  const violations: string[] = [];
  let compared = 0;
  let skipped = 0;
  for (const [symbol, sent] of ledger.lastFrames) {
    if (!analysis.lastFramesDelivered.has(symbol)) continue;
    compared++;
    const raw = analysis.lastFramesSkipped.has(symbol) ? analysis.lastApplied.get(symbol) : sent;
    if (raw !== sent) skipped++;
    const violation = quoteViolation(symbol, raw, quotes.get(symbol));
    if (violation !== undefined) violations.push(violation);
  }
  const missing = ledger.lastFrames.size - compared;
  return check(
    'quotes = ledger last state',
    violations,
    `${compared} symbols compared field by field${skipped ? ` (${skipped} with the last frame applied: the last one sent was stale by the rule)` : ''}${missing ? `; ${missing} whose last frame was never delivered skipped` : ''}`,
  );
}

/** What is wrong with a symbol's quote row against the frame it must show, if anything. */
function quoteViolation(symbol: string, raw: string | undefined, quote: Row | undefined): string | undefined {
  if (raw === undefined) return `${symbol}: no frame of it applied`;
  const frame = parseFrame(raw) as StockFrame;
  if (!quote) return `${symbol}: no quote row`;
  const wrong = QUOTE_FIELDS.filter((f) => (quote[f] ?? null) !== (frame[f] ?? null)).map(
    (f) => `${f} ${quote[f]} ≠ ${frame[f]}`,
  );
  wrong.push(...bookLevelsWrong(quote, frame));
  return wrong.length > 0 ? `${symbol}: ${wrong.join(', ')}` : undefined;
}

/** The top three bid and offer levels whose price or volume differ between the quote row and the frame. */
function bookLevelsWrong(quote: Row, frame: StockFrame): string[] {
  const wrong: string[] = [];
  for (const side of ['bids', 'offers'] as const) {
    const stored = (quote[side] ?? []) as { price?: number; volume?: number }[];
    for (let i = 0; i < 3; i++) {
      const want = frame[side][i] ?? {};
      const got = stored[i] ?? {};
      if ((got.price ?? null) !== (want.price ?? null) || (got.volume ?? null) !== (want.volume ?? null))
        wrong.push(`${side}[${i}]`);
    }
  }
  return wrong;
}

/** Every poison frame and corrupt record of the stream is in the rejects table with a reason, and nothing else is. */
export function rejectsComplete(
  analysis: StreamAnalysis,
  tables: TableRows,
  corrupt: readonly CorruptRecord[],
  ledger: LedgerSummary,
): Check {
  const rows = new Map(tables.rejects.map((r) => [String(r.sk), r]));
  const violations: string[] = [];
  for (const poison of analysis.poison) {
    const row = rows.get(poison.rejectKey);
    if (!row)
      violations.push(`poison frame ${poison.rejectKey} (${poison.reason}) not in rejects: ${poison.raw}`);
    else if (!String(row.reason ?? '').trim()) violations.push(`reject ${poison.rejectKey} has no reason`);
    rows.delete(poison.rejectKey);
  }
  for (const record of corrupt) {
    const key = `${record.shardId}#${record.sequenceNumber}#record`;
    const row = rows.get(key);
    if (!row) violations.push(`corrupt record ${key} (${record.kind}) not in rejects`);
    else if (!String(row.reason ?? '').trim() || !row.code)
      violations.push(`reject ${key} has no reason or code`);
    rows.delete(key);
  }
  if (analysis.undecodable.length !== corrupt.length) {
    violations.push(
      `${analysis.undecodable.length} undecodable records in the stream, ${corrupt.length} put on purpose`,
    );
  }
  for (const [key, row] of rows) violations.push(`unexpected reject ${key}: ${row.reason}`);
  const sent = ledger.clients.reduce((n, c) => n + c.malformed['field-count'] + c.malformed.garbage, 0);
  const reasons = new Set(tables.rejects.map((r) => String(r.code ?? r.reason).replace(/\d+/g, 'N')));
  return check(
    'poison and corrupt input in rejects',
    violations,
    `${sent} malformed frames sent: ${analysis.poison.length} unparseable in the stream` +
      `${analysis.malformedIndexCopies ? ` and ${analysis.malformedIndexCopies} malformed cop${analysis.malformedIndexCopies === 1 ? 'y' : 'ies'} of index frames that still parse (not poison)` : ''}; ` +
      `${corrupt.length} corrupt records; ${tables.rejects.length} rejects rows, each with its reason (${reasons.size} distinct)`,
  );
}

export function drainedAndNoDeadLetters(drained: boolean, deadLetters: number): Check {
  const violations: string[] = [];
  if (!drained) violations.push('the final stop did not process every record put');
  if (deadLetters > 0)
    violations.push(`${deadLetters} batches sent to the on-failure destination (their frames were skipped)`);
  return check(
    'drained, nothing given up',
    violations,
    `final drain ${drained ? 'complete' : 'incomplete'}; ${deadLetters} on-failure messages`,
  );
}
