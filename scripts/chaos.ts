/**
 * `npm run chaos`: one trading session from the synthetic market through the embedded
 * runtime with faults injected (source closes, silence, refusal; Kinesis unreachable and
 * partially failing; DynamoDB throttling; poison frames and corrupt records; frames with a
 * field appended or junk in an unused field; an exchange correction; the ingest task and
 * the whole runtime restarted; a second ingest task overlapping the first), then the checks
 * (see docs/proof.md) — once per transport of the ingest task (V2 websocket, then MQTT),
 * each run on its own data directory with its own report.
 * Exit code: 0 when every check of every run passes, 1 on a violation or a failed step, 2 on a bad flag.
 *
 *   npm run chaos                      # both transports, the full run (~3 min each)
 *   npm run chaos -- --short           # --scale 0.1 with a smaller market (~1 min each; what npm test runs)
 *   npm run chaos -- --protocol mqtt   # one transport only
 *   npm run chaos -- --scale 0.5 --symbols 50 --rate 400 --json out.json --keep
 *   npm run chaos -- --sink both       # also Cassandra (CASSANDRA_CONTACT_POINTS): the checks on the CQL tables too
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENV } from '../core/settings.ts';
import { emptyCqlKeyspace, readCqlTables } from '../local/chaos/cql-evidence.ts';
import { readEvidence } from '../local/chaos/evidence.ts';
import { chaosPlan } from '../local/chaos/plan.ts';
import { buildReport, type ChaosReport, formatReport } from '../local/chaos/report.ts';
import { CHAOS_PROTOCOLS, type ChaosProtocol, runChaosSession } from '../local/chaos/session.ts';
import { synthesize } from '../local/cloudformation/synth.ts';
import type { CqlSinkOptions } from '../local/runtime/cql-keyspace.ts';

const USAGE = `npm run chaos -- [options]

  --short            the short run: --scale 0.1, 30 symbols at 300 frames/s (what npm test runs)
  --scale F          multiply every fault duration by F (default 1; 0 < F <= 10)
  --symbols N        stocks in the synthetic market (default 100)
  --rate R           stock frames per second, whole market (default 500)
  --seed S           market seed (default 1)
  --data-dir DIR     runtime data directory, must be new or empty (default: a temporary one, removed after);
                     with both transports, one subdirectory each (DIR/v2, DIR/mqtt)
  --keep             keep the temporary data directory
  --template FILE    a synthesized CDK template to use instead of synthesizing infra/
  --batch-window S   the stack's batchWindowSeconds for the run (default 1; the stack's is 20)
  --sink S           dynamodb (default) or both: the transform also writes to the Cassandra of
                     CASSANDRA_CONTACT_POINTS (npm run cassandra -- start), keyspace vn_stock_chaos
                     (emptied first); the table checks run on the CQL tables too, then compare them
  --protocol P       the ingest task's transport: all (default: v2, then mqtt, one report each), v2,
                     or mqtt (the simulator's MQTT broker: undecodable payloads for the poison frames,
                     altered StockData messages, accounting per MQTT connection by clientId)
  --json FILE        also write the report as JSON (with both transports: { ok, reports: [v2, mqtt] })
  -h, --help         this text`;

function fail(message: string, code: number): never {
  console.error(`npm run chaos: ${message}`);
  process.exit(code);
}

function number(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a number greater than 0, got "${text}"`, 2);
  return n;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      short: { type: 'boolean' },
      scale: { type: 'string' },
      symbols: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      keep: { type: 'boolean' },
      template: { type: 'string' },
      'batch-window': { type: 'string' },
      json: { type: 'string' },
      sink: { type: 'string' },
      protocol: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message} (--help lists the flags)`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const short = values.short === true;
let plan: ReturnType<typeof chaosPlan>;
try {
  plan = chaosPlan(number('scale', values.scale as string | undefined, short ? 0.1 : 1));
} catch (error) {
  fail((error as Error).message, 2);
}
const symbols = Math.round(number('symbols', values.symbols as string | undefined, short ? 30 : 100));
const rate = number('rate', values.rate as string | undefined, short ? 300 : 500);
const given = values['data-dir'] as string | undefined;
if (given && existsSync(given) && readdirSync(given).length > 0)
  fail(`--data-dir ${given} is not empty: the checks need a fresh stream and tables`, 2);
const dataDir = resolve(given ?? mkdtempSync(join(tmpdir(), 'chaos-')));
const batchWindowSeconds = number('batch-window', values['batch-window'] as string | undefined, 1);
if (!Number.isInteger(batchWindowSeconds) || batchWindowSeconds > 300)
  fail(`--batch-window must be a whole number of seconds 1-300, got "${values['batch-window']}"`, 2);
const sink = (values.sink as string | undefined) ?? 'dynamodb';
if (sink !== 'dynamodb' && sink !== 'both') fail(`--sink must be dynamodb or both, got "${sink}"`, 2);
let cql: CqlSinkOptions | undefined;
if (sink === 'both') {
  const contactPoints = process.env[ENV.CASSANDRA_CONTACT_POINTS]?.trim();
  if (!contactPoints)
    fail(
      '--sink both needs CASSANDRA_CONTACT_POINTS (npm run cassandra -- start, then CASSANDRA_CONTACT_POINTS=127.0.0.1)',
      2,
    );
  cql = {
    sink: 'both',
    contactPoints,
    localDataCenter: process.env[ENV.CASSANDRA_LOCAL_DC]?.trim() || 'datacenter1',
    keyspace: 'vn_stock_chaos',
  };
}
const protocol = ((values.protocol as string | undefined) ?? 'all').toLowerCase();
if (protocol !== 'all' && !(CHAOS_PROTOCOLS as readonly string[]).includes(protocol))
  fail(`--protocol must be all, ${CHAOS_PROTOCOLS.join(' or ')}, got "${values.protocol}"`, 2);
const protocols: readonly ChaosProtocol[] =
  protocol === 'all' ? CHAOS_PROTOCOLS : [protocol as ChaosProtocol];
const templateFile = values.template as string | undefined;
let template: unknown;
if (templateFile) {
  try {
    template = JSON.parse(readFileSync(templateFile, 'utf8'));
  } catch (error) {
    fail(`--template ${templateFile}: ${(error as Error).message}`, 2);
  }
}

const started = Date.now();
const log = (line: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}] ${line}`);

/** One session on one transport, on its own data directory: its report, or undefined when a step failed. */
async function runOnce(transport: ChaosProtocol, runDir: string): Promise<ChaosReport | undefined> {
  try {
    log(
      `chaos over ${transport.toUpperCase()}: data dir ${runDir}; ${symbols} symbols at ${rate} frames/s; ` +
        `scale ${plan.scale}; batching window ${batchWindowSeconds} s`,
    );
    if (cql) {
      await emptyCqlKeyspace(cql);
      log(`chaos: SINK=both: keyspace ${cql.keyspace} on ${cql.contactPoints} emptied`);
    }
    // Synthesized once for every run (the stack does not depend on the transport).
    template ??= (await synthesize(runDir, { context: { batchWindowSeconds } })).template;
    const session = await runChaosSession({
      ...(cql ? { cql } : {}),
      plan,
      dataDir: runDir,
      symbols,
      rate,
      seed: String(values.seed ?? '1'),
      template,
      batchWindowSeconds,
      protocol: transport,
      log,
    });
    log('chaos: session over; reading the stream and the tables back');
    const evidence = await readEvidence({
      dataDir: runDir,
      streamName: session.streamName,
      tables: session.tables,
      ledger: session.ledger,
    });
    const cqlTables = cql ? await readCqlTables(cql, evidence.tables.rejects) : undefined;
    const report = buildReport(plan, session, evidence, runDir, cqlTables);
    console.log(formatReport(report));
    return report;
  } catch (error) {
    console.error(`chaos over ${transport.toUpperCase()}: ${(error as Error).stack ?? error}`);
    return undefined;
  }
}

const results: { transport: ChaosProtocol; report: ChaosReport | undefined }[] = [];
try {
  for (const transport of protocols) {
    const runDir = protocols.length > 1 ? join(dataDir, transport) : dataDir;
    results.push({ transport, report: await runOnce(transport, runDir) });
  }
} finally {
  if (!given && !values.keep) rmSync(dataDir, { recursive: true, force: true });
  else log(`chaos: data kept in ${dataDir}`);
}
const ok = results.every((r) => r.report?.ok === true);
if (results.length > 1) {
  console.log('');
  for (const { transport, report } of results)
    console.log(
      `chaos over ${transport.toUpperCase()}: ${report === undefined ? 'a step failed (see above)' : report.ok ? `every check passed (${report.seconds} s)` : `${report.checks.filter((c) => !c.ok).length} check(s) failed`}`,
    );
}
if (values.json) {
  const reports = results.flatMap((r) => (r.report ? [r.report] : []));
  const out = results.length > 1 ? { ok, reports } : reports[0];
  if (out) writeFileSync(values.json as string, `${JSON.stringify(out, null, 2)}\n`);
}
process.exit(ok ? 0 : 1);
