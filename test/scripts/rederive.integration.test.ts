/**
 * `npm run rederive` against the embedded runtime: a simulated trading stretch goes through
 * the whole pipeline (ingest task, kinesalite, the transform, dynalite, the archive under
 * the data directory); then the tables are emptied and the day rebuilt from the archive,
 * row for row; run again (idempotent); rebuilt with `--replace` after a derivation change
 * (rows of one symbol gain an attribute; other symbols and other days untouched); and a
 * reject row whose frame now parses is removed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BatchWriteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { readArchivedDay } from '../../core/archive/read-archive.ts';
import type { TransformSink } from '../../core/derive/sink.ts';
import { initMessage, stockSubscribeMessages } from '../../core/iboard/subscribe.ts';
import { decodeRecord } from '../../core/records/index.ts';
import { ENV } from '../../core/settings.ts';
import { FileArchiveStore } from '../../functions/transform/archive/file-archive-store.ts';
import { synthesize } from '../../local/cloudformation/synth.ts';
import { dynamoClient, kinesisClient } from '../../local/emulators/clients.ts';
import { parseStartArgs } from '../../local/runtime/cli-args.ts';
import { simulatedClock } from '../../local/runtime/clock.ts';
import { archiveDirOf } from '../../local/runtime/data-dir.ts';
import { type Runtime, startRuntime } from '../../local/runtime/start-runtime.ts';
import { loadSession } from '../../local/simulator/replay-source.ts';
import { startSimulator } from '../../local/simulator/simulator.ts';
import { parseRederiveArgs, runRederive, tablesConfig } from '../../scripts/rederive.ts';
import { scanAll, settled } from '../support/pipeline-checks.ts';
import { readRecords } from '../support/stream.ts';
import { connect } from '../support/ws-client.ts';

/** Tuesday 2026-04-14, 11:29:40 ICT: 20 s of trading before the lunch break silences the market. */
const BEFORE_LUNCH = Date.parse('2026-04-14T04:29:40Z');
const LUNCH = Date.parse('2026-04-14T04:30:00Z');
const DATE = '2026-04-14';
const DERIVED = ['trades', 'bars', 'quotes', 'indices'] as const;

async function streamSequenceNumbers(endpoint: string, stream: string): Promise<string[]> {
  const kinesis = kinesisClient({ endpoint });
  try {
    return (await readRecords(kinesis, stream)).map((r) => r.SequenceNumber as string);
  } finally {
    kinesis.destroy();
  }
}

type Row = Record<string, unknown>;
const byKey = (a: Row, b: Row) => `${a.pk}|${a.sk ?? ''}`.localeCompare(`${b.pk}|${b.sk ?? ''}`);

async function snapshot(ddb: DynamoDBClient, tables: Readonly<Record<string, string>>) {
  const out: Record<string, Row[]> = {};
  for (const table of [...DERIVED, 'rejects'] as const)
    out[table] = (await scanAll(ddb, tables[table])).sort(byKey);
  // The checkpoint's version counts the quote's writes (it depends on the batching): left out.
  for (const quote of out.quotes ?? [])
    delete (quote.checkpoint as { version?: number } | undefined)?.version;
  return out;
}

async function empty(ddb: DynamoDBClient, table: string): Promise<void> {
  const rows = await scanAll(ddb, table);
  for (let i = 0; i < rows.length; i += 25) {
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: rows.slice(i, i + 25).map((r) => ({
            DeleteRequest: {
              Key: { pk: { S: String(r.pk) }, ...(r.sk === undefined ? {} : { sk: { S: String(r.sk) } }) },
            },
          })),
        },
      }),
    );
  }
}

/** A derivation change, as a test hook: trades and bars of `symbol` gain `revision: 2`. */
function revised(symbol: string) {
  return (sink: TransformSink): TransformSink => ({
    ...sink,
    name: sink.name,
    readQuotes: (k) => sink.readQuotes(k),
    readBars: (k) => sink.readBars(k),
    writeIndices: (r) => sink.writeIndices(r),
    writeRejects: (r) => sink.writeRejects(r),
    writeQuotes: (r) => sink.writeQuotes(r),
    async writeTrades(rows) {
      const changed = rows.map((r) => (r.symbol === symbol ? { ...r, revision: 2 } : r));
      const result = await sink.writeTrades(changed);
      return { ...result, failed: result.failed.map((f) => rows[changed.indexOf(f)]) };
    },
    async writeBars(writes) {
      const changed = writes.map((w) =>
        w.bar.symbol === symbol ? { ...w, bar: { ...w.bar, revision: 2 } } : w,
      );
      const result = await sink.writeBars(changed);
      return { ...result, failed: result.failed.map((f) => writes[changed.indexOf(f)]) };
    },
  });
}

describe('npm run rederive on the embedded runtime', { timeout: 300_000 }, () => {
  let root: string;
  let runtime: Runtime;
  let ddb: DynamoDBClient;
  let first: Record<string, Row[]>;
  const env = { ...process.env };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'rederive-e2e-'));
    const { template } = await synthesize(join(root, 'synth'), { context: { batchWindowSeconds: 1 } });
    const clock = simulatedClock(BEFORE_LUNCH, 1);
    runtime = await startRuntime({
      dataDir: join(root, 'data'),
      endpointPort: 0,
      dashboardPort: null,
      source: {
        kind: 'simulate',
        symbols: ['FPT', 'VCB', 'HPG', 'SSI', 'MWG', 'VNM'],
        rate: 300,
        seed: '17',
      },
      clock,
      template,
      statusIntervalMs: 0,
      log: () => {},
      ingestEnv: { [ENV.INGEST_MODE]: 'always', [ENV.LINGER_MS]: '50' },
    });
    await settled(runtime, clock, LUNCH + 3_000);
    ddb = dynamoClient({ endpoint: runtime.endpoint });
    first = await snapshot(ddb, runtime.tables);
  });

  after(async () => {
    ddb?.destroy();
    await runtime?.stop({ drainMs: 2_000 });
    rmSync(root, { recursive: true, force: true });
  });

  const archiveDir = () => archiveDirOf(join(root, 'data'));
  const rederive = (argv: string[], wrapSink?: (s: TransformSink) => TransformSink) => {
    const args = parseRederiveArgs(['--date', DATE, '--from', archiveDir(), ...argv], env);
    const lines: string[] = [];
    return runRederive(args, {
      store: new FileArchiveStore(args.from),
      dynamo: ddb,
      config: tablesConfig(args, env),
      log: (line) => lines.push(line),
      wrapSink,
    }).then((run) => ({ ...run, lines }));
  };

  it('archives every record of the stream once, under the trading date', async () => {
    const archived: string[] = [];
    for await (const { record } of readArchivedDay(new FileArchiveStore(archiveDir()), DATE))
      archived.push(record.sequenceNumber);
    const stream = await streamSequenceNumbers(runtime.endpoint, runtime.streamName);
    assert.ok(stream.length > 20, `records in the stream (${stream.length})`);
    assert.deepEqual(archived, stream);
  });

  it('rebuilds emptied tables row for row from the archive', async () => {
    assert.ok(first.trades.length >= 100, `trades to rebuild (${first.trades.length})`);
    for (const table of DERIVED) await empty(ddb, runtime.tables[table]);
    const { summary, lines } = await rederive([]);
    assert.equal(summary.rows.trades, first.trades.length);
    // Quotes are written once per symbol and batch (the last is what stays).
    assert.ok(summary.rows.quotes >= first.quotes.length);
    assert.ok(
      lines.some((l) => /^rederived 2026-04-14: 1 shard\(s\)/.test(l)),
      lines.join('\n'),
    );
    assert.match(lines.at(-1)!, /^reconciliation: (\d+)\/\1 symbol-days agree with the exchange total/);
    const rebuilt = await snapshot(ddb, runtime.tables);
    for (const table of DERIVED) assert.deepEqual(rebuilt[table], first[table], table);
  });

  it('changes nothing when run again (idempotent)', async () => {
    const { summary } = await rederive([]);
    // Every frame is at or behind its symbol's stored checkpoint: no trade or bar is written;
    // index rows, and a quote whose version equals the stored one, are rewritten as they are.
    const { trades, bars, quotes } = summary.rows;
    assert.deepEqual({ trades, bars }, { trades: 0, bars: 0 });
    assert.ok(quotes <= first.quotes.length, `at most one quote rewrite per symbol (${quotes})`);
    assert.ok(summary.frames > 0);
    const again = await snapshot(ddb, runtime.tables);
    for (const table of DERIVED) assert.deepEqual(again[table], first[table], table);
  });

  it('with --replace rebuilds the day, and removes a reject row whose frame now parses', async () => {
    const [seq] = (await streamSequenceNumbers(runtime.endpoint, runtime.streamName)).slice(0, 1);
    const stale = `shardId-000000000000#${seq}#000000`;
    await ddb.send(
      new PutItemCommand({
        TableName: runtime.tables.rejects,
        Item: { pk: { S: DATE }, sk: { S: stale }, kind: { S: 'frame' }, reason: { S: 'an old parser bug' } },
      }),
    );
    const { summary, deleted, rejectsRemoved } = await rederive(['--replace']);
    assert.equal(deleted?.trades, first.trades.length);
    assert.equal(summary.rows.trades, first.trades.length);
    assert.equal(rejectsRemoved, 1);
    const after = await snapshot(ddb, runtime.tables);
    for (const table of DERIVED) assert.deepEqual(after[table], first[table], table);
    assert.deepEqual(after.rejects, first.rejects);
  });

  it('with --replace --symbols applies a changed derivation to those symbols of that day only', async () => {
    const otherDay = {
      pk: { S: 'FPT#2026-04-13' },
      sk: { S: '1776049200000#000000000000100' },
      quantity: { N: '100' },
    };
    await ddb.send(new PutItemCommand({ TableName: runtime.tables.trades, Item: otherDay }));
    const { summary } = await rederive(['--replace', '--symbols', 'FPT'], revised('FPT'));
    const after = await snapshot(ddb, runtime.tables);
    const fpt = (rows: Row[]) => rows.filter((r) => String(r.pk) === `FPT#${DATE}`);
    assert.ok(fpt(after.trades).length > 0);
    assert.equal(summary.rows.trades, fpt(first.trades).length);
    assert.deepEqual(
      fpt(after.trades),
      fpt(first.trades).map((r) => ({ ...r, revision: 2 })),
    );
    assert.deepEqual(
      fpt(after.bars),
      fpt(first.bars).map((r) => ({ ...r, revision: 2 })),
    );
    const others = (rows: Row[]) => rows.filter((r) => !String(r.pk).startsWith('FPT#'));
    assert.deepEqual(others(after.trades), others(first.trades), 'other symbols untouched');
    assert.deepEqual(others(after.bars), others(first.bars));
    assert.deepEqual(after.quotes, first.quotes, 'the quote derived again is the same');
    assert.deepEqual(
      after.trades.filter((r) => r.pk === 'FPT#2026-04-13'),
      [{ pk: 'FPT#2026-04-13', sk: '1776049200000#000000000000100', quantity: 100 }],
      'another day untouched',
    );
  });

  it('is read by npm run frames, npm start -- --replay and the simulator as a recording', async () => {
    const day = join(archiveDir(), DATE);
    const raws: string[] = [];
    for await (const { record } of readArchivedDay(new FileArchiveStore(archiveDir()), DATE))
      for (const e of decodeRecord(record.data)) raws.push(e.raw);

    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/frames.ts', day],
      { maxBuffer: 256 << 20 },
    );
    const shown =
      stdout.trim().split('\n').filter(Boolean).length + stderr.trim().split('\n').filter(Boolean).length;
    assert.equal(shown, raws.length, 'one line per archived frame');
    assert.ok(stdout.includes('"symbol":"FPT"'));

    const session = loadSession(day);
    assert.ok(session.lines.length > 0 && session.lines.length <= raws.length);
    assert.equal(
      new Date(session.firstT).toISOString().slice(0, 10),
      DATE,
      'times of the day the data is of',
    );
    assert.deepEqual(parseStartArgs(['--replay', day]).source, { kind: 'replay', file: day, speed: 1 });
    assert.throws(() => parseStartArgs(['--replay', join(archiveDir(), '2026-04-15')]), /no such file/);

    // The simulator replays the day to a client that subscribes to FPT.
    const sim = await startSimulator({ replay: day, speed: Number.POSITIVE_INFINITY });
    try {
      const client = await connect(sim.url);
      client.send(initMessage());
      for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['FPT'] })) client.send(m);
      const fpt = () => client.texts.filter((t) => t.includes('S#FPT|')).length;
      await client.waitFor(() => fpt() >= 3, 10_000, 'FPT frames of the archived day');
      await client.close();
    } finally {
      await sim.stop();
    }
  });
});
