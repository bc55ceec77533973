/**
 * The chaos run's verdict: all checks from the session and the evidence, printed as a
 * table of lines, and as JSON (for CI and the test).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Reconciliation,
  reconcile,
  reconciliationSummary,
  sumTrades,
  type TradeRowLike,
} from '../../core/derive/reconcile.ts';
import type { AlteredKind } from '../simulator/ledger.ts';
import {
  type Check,
  drainedAndNoDeadLetters,
  noDuplicateRows,
  quotesMatchLedger,
  rejectsComplete,
  tradesMatchStream,
  volumeConservation,
} from './checks.ts';
import { framesInTransit, type Reconnect, reconnects, type TransitFigures } from './connection-checks.ts';
import { cqlEqualsDynamo } from './cql-evidence.ts';
import type { Evidence, Row, TableRows } from './evidence.ts';
import { alteredFramesStored, correctionsStored, overlapHappened } from './fault-checks.ts';
import type { ChaosPlan } from './plan.ts';
import type { ChaosSession } from './session.ts';

export type ChaosReport = {
  readonly ok: boolean;
  readonly scale: number;
  /** The ingest task's transport (every check judges both; a few say what they cover over MQTT). */
  readonly protocol: ChaosSession['protocol'];
  readonly seconds: number;
  readonly checks: readonly Check[];
  readonly reconnects: readonly Reconnect[];
  readonly transit: TransitFigures;
  readonly faults: readonly { name: string; startedAt: string; seconds: number }[];
  readonly stream: {
    records: number;
    frames: number;
    stockFrames: number;
    indexFrames: number;
    connections: number;
  };
  readonly proxies: ChaosSession['proxies'];
  /** Data frames the source sent altered (still data), by kind. */
  readonly altered: Readonly<Record<AlteredKind, number>>;
  /** The trades table reconciled: symbol-days, agreeing, volume by row kind. */
  readonly reconciliation: Reconciliation;
};

export function buildReport(
  plan: ChaosPlan,
  session: ChaosSession,
  evidence: Evidence,
  dataDir: string,
  /** The CQL tables (`--sink both`), judged like DynamoDB's, then compared with them. */
  cqlTables?: TableRows,
): ChaosReport {
  const { analysis, tables } = evidence;
  const reconnect = reconnects(analysis, session.events, plan.reconnectLimitSeconds);
  const transit = framesInTransit(analysis, session.ledger, session.events);
  const mqtt = session.protocol === 'mqtt';
  const checks = [
    drainedAndNoDeadLetters(session.drained, deadLetterCount(dataDir)),
    volumeConservation(analysis, tables, session.ledger),
    tradesMatchStream(analysis, tables),
    noDuplicateRows(tables),
    quotesMatchLedger(analysis, tables, session.ledger),
    mqtt
      ? overMqtt(
          rejectsComplete(analysis, tables, session.corruptRecords, session.ledger),
          'MQTT payloads are protobuf: the simulator sends no malformed text frames over it, and the undecodable payloads published are counted by the task, never forwarded, so only the corrupt records can reach the rejects table',
        )
      : rejectsComplete(analysis, tables, session.corruptRecords, session.ledger),
    alteredFramesStored(analysis, session.ledger),
    correctionsStored(analysis, tables, session.ledger),
    overlapHappened(analysis, session.ledger),
    reconnect.check,
    transit.check,
    ...(cqlTables ? cqlChecks(analysis, tables, cqlTables, session) : []),
  ];
  return {
    ok: checks.every((c) => c.ok),
    scale: plan.scale,
    protocol: session.protocol,
    seconds: Math.round(session.seconds),
    checks,
    reconnects: reconnect.times,
    transit: transit.figures,
    faults: session.events.map((e) => ({
      name: e.name,
      startedAt: new Date(e.startedAt).toISOString(),
      seconds: Math.round((e.endedAt - e.startedAt) / 100) / 10,
    })),
    stream: {
      records: analysis.records,
      frames: analysis.frames,
      stockFrames: analysis.stockFrames,
      indexFrames: analysis.indexFrames,
      connections: analysis.connections.size,
    },
    proxies: session.proxies,
    altered: alteredSent(session),
    reconciliation: reconcile(sumTrades(tables.trades.map(tradeRowOf))),
  };
}

/** A check that holds over MQTT only in part: the rule is the same, the summary says what it covers. */
function overMqtt(c: Check, note: string): Check {
  return { ...c, name: `${c.name} (over MQTT)`, summary: `${c.summary} [over MQTT: ${note}]` };
}

function alteredSent(session: ChaosSession): Record<AlteredKind, number> {
  const sent = { 'extra-field': 0, 'junk-field': 0 };
  for (const c of session.ledger.mqtt?.connections ?? session.ledger.clients) {
    sent['extra-field'] += c.altered['extra-field'];
    sent['junk-field'] += c.altered['junk-field'];
  }
  return sent;
}

/** A scanned trades item as reconciliation reads it (symbol and date from its key). */
function tradeRowOf(row: Row): TradeRowLike {
  const [symbol, tradingDate] = row.pk.split('#');
  return {
    symbol,
    tradingDate,
    kind: row.kind as TradeRowLike['kind'],
    quantity: Number(row.quantity),
    cumVolume: Number(row.cumVolume),
    sk: row.sk ?? '',
  };
}

/** Messages in the runtime's local on-failure destination files. */
function deadLetterCount(dataDir: string): number {
  const dir = join(dataDir, 'dlq');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return 0;
  }
  return files.reduce(
    (n, f) =>
      n +
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length,
    0,
  );
}

export function formatReport(report: ChaosReport): string {
  const lines = [
    '',
    `chaos run over ${report.protocol.toUpperCase()} (scale ${report.scale}, ${report.seconds} s): ${report.stream.frames.toLocaleString('en-US')} frames in ${report.stream.records.toLocaleString('en-US')} records over ${report.stream.connections} connections`,
    '',
    'faults injected:',
    ...report.faults.map(
      (f) => `  ${f.startedAt.slice(11, 19)}  ${f.name}${f.seconds > 0 ? ` (${f.seconds} s)` : ''}`,
    ),
    `  kinesis proxy: ${report.proxies.kinesis.resets} connections reset, ${report.proxies.kinesis.entriesRefused} PutRecords entries refused`,
    `  dynamodb proxy: ${report.proxies.dynamodb.errors} requests failed of ${report.proxies.dynamodb.requests}`,
    report.protocol === 'mqtt'
      ? `  source: ${report.altered['extra-field']} StockData messages with an unknown field, ${report.altered['junk-field']} with junk in an unmapped field (all run long)`
      : `  source: ${report.altered['extra-field']} stock frames with a field appended, ${report.altered['junk-field']} with junk in an unused field (all run long)`,
    '',
    'reconnects (fault end → first frame on a new connection; outage = fault start → first frame):',
    ...report.reconnects.map(
      (r) =>
        `  ${r.seconds === undefined ? '   never' : `${r.seconds.toFixed(1).padStart(6)} s`}  (outage ${r.outageSeconds?.toFixed(1) ?? '—'} s)  ${r.event}`,
    ),
    '',
    reconciliationSummary(report.reconciliation),
    '',
    'checks:',
  ];
  for (const c of report.checks) {
    lines.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.summary}`);
    for (const v of c.violations) lines.push(`          ✗ ${v}`);
  }
  lines.push(
    '',
    report.ok
      ? `chaos: every check passed`
      : `chaos: ${report.checks.filter((c) => !c.ok).length} check(s) failed`,
  );
  return lines.join('\n');
}

/** The table checks again on the CQL rows, then the two stores compared. */
function cqlChecks(
  analysis: Evidence['analysis'],
  dynamo: TableRows,
  cql: TableRows,
  session: ChaosSession,
): Check[] {
  const named = (c: Check): Check => ({ ...c, name: `${c.name} (CQL)` });
  return [
    named(volumeConservation(analysis, cql, session.ledger)),
    named(tradesMatchStream(analysis, cql)),
    named(noDuplicateRows(cql)),
    named(quotesMatchLedger(analysis, cql, session.ledger)),
    cqlEqualsDynamo(dynamo, cql),
  ];
}
