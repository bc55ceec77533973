/**
 * The embedded runtime end to end, in this process, on free ports: the real synthesized
 * template, real emulators, the transform and session-control modules, the ingest task
 * as a child process, the simulator as the market. Checked against the simulator's
 * ledger and with the real AWS CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readArchivedDay } from '../../../core/archive/read-archive.ts';
import { ENV } from '../../../core/settings.ts';
import { FileArchiveStore } from '../../../functions/transform/archive/file-archive-store.ts';
import { synthesize } from '../../../local/cloudformation/synth.ts';
import { dynamoClient, kinesisClient } from '../../../local/emulators/clients.ts';
import { type Clock, simulatedClock } from '../../../local/runtime/clock.ts';
import { archiveDirOf } from '../../../local/runtime/data-dir.ts';
import { replayStart } from '../../../local/runtime/market-source.ts';
import { type RuntimeOptions, startRuntime } from '../../../local/runtime/start-runtime.ts';
import { startSimulator } from '../../../local/simulator/simulator.ts';
import { checkAgainstLedger, queryAll, settled, until } from '../../support/pipeline-checks.ts';
import { readRecords } from '../../support/stream.ts';

const run = promisify(execFile);

/** Tuesday 2026-04-14, 11:29:40 ICT: 20 s of continuous trading before the lunch break silences the market. */
const BEFORE_LUNCH = Date.parse('2026-04-14T04:29:40Z');
const LUNCH = Date.parse('2026-04-14T04:30:00Z');

async function countStreamRecords(endpoint: string, stream: string): Promise<number> {
  const kinesis = kinesisClient({ endpoint });
  try {
    return (await readRecords(kinesis, stream)).length;
  } finally {
    kinesis.destroy();
  }
}

describe('embedded runtime end to end', () => {
  let template: unknown;
  let root: string;
  const logs: string[] = [];
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'runtime-e2e-'));
    // The real CDK app, synthesized once for the file: the single source of truth (with a
    // 1 s batching window, the stack's low-latency setting, so the waits stay short).
    template = (await synthesize(join(root, 'synth'), { context: { batchWindowSeconds: 1 } })).template;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const options = (dataDir: string, clock: Clock, source: RuntimeOptions['source']): RuntimeOptions => ({
    dataDir: join(root, dataDir),
    endpointPort: 0,
    dashboardPort: null,
    source,
    clock,
    template,
    statusIntervalMs: 0,
    log: (line) => logs.push(line),
    // The data path is the subject here; the schedule has its own test below.
    ingestEnv: { [ENV.INGEST_MODE]: 'always', [ENV.LINGER_MS]: '50' },
  });

  it('runs a simulated session into the tables, as the ledger says, queryable with the AWS CLI', async () => {
    const clock = simulatedClock(BEFORE_LUNCH, 1);
    const runtime = await startRuntime(
      options('e2e', clock, {
        kind: 'simulate',
        symbols: ['FPT', 'VCB', 'HPG', 'SSI', 'MWG', 'VNM', 'ACB', 'SHB'],
        rate: 300,
        seed: '11',
      }),
    );
    try {
      await settled(runtime, clock, LUNCH + 3_000);
      const sim = runtime.source!.simulator;
      const ids = sim.ledger.clientIds();
      assert.equal(ids.length, 1, 'one ingest connection');
      const sent = sim.ledger.client(ids[0]);
      assert.ok(sent.framesSent >= 2_000, `a few thousand frames (sent ${sent.framesSent})`);
      assert.equal(sent.droppedBackpressure, 0);

      const ddb = dynamoClient({ endpoint: runtime.endpoint });
      try {
        const checked = await checkAgainstLedger(ddb, runtime.tables, sim.ledger, ids);
        assert.ok(checked.symbols >= 5 && checked.trades >= 100, JSON.stringify(checked));
        assert.equal(checked.quotes, 8);
      } finally {
        ddb.destroy();
      }

      // The README's query, word for word (only the port differs): the last 20 trades of FPT.
      const readme = `aws --endpoint-url http://localhost:${runtime.port} dynamodb query --table-name vn-stock-trades \\
  --key-condition-expression 'pk = :pk' --expression-attribute-values '{":pk":{"S":"FPT#2026-04-14"}}' \\
  --no-scan-index-forward --max-items 20`;
      assert.equal(runtime.tables.trades, 'vn-stock-trades');
      const { stdout } = await run('bash', ['-c', readme], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_DEFAULT_OUTPUT: 'json',
        },
      });
      const symbol = 'FPT';
      const items = (JSON.parse(stdout) as { Items: { cumVolume: { N: string } }[] }).Items;
      const stored = await (async () => {
        const ddb = dynamoClient({ endpoint: runtime.endpoint });
        try {
          return (await queryAll(ddb, runtime.tables.trades, `${symbol}#2026-04-14`)).length;
        } finally {
          ddb.destroy();
        }
      })();
      assert.ok(stored > 0, 'FPT traded');
      assert.equal(items.length, Math.min(20, stored));
      const last = sim.ledger.trades(symbol).slice(-items.length).reverse();
      assert.deepEqual(
        items.map((i) => Number(i.cumVolume.N)),
        last.map((t) => t.cumulativeVolume),
      );

      const status = await runtime.status();
      assert.equal(status.deadLetters, 0);
      assert.equal(status.rows.rejects ?? 0, 0);

      // `npm run reconcile` against the runtime, as a user runs it: every symbol-day agrees.
      const reconciled = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/reconcile.ts',
          '--endpoint-url',
          runtime.endpoint,
          '--date',
          '2026-04-14',
          '--all',
        ],
        { env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' } },
      );
      const lines = reconciled.stdout.trim().split('\n');
      assert.equal(lines[0], '2026-04-14');
      assert.ok(
        lines.slice(1, -1).every((l) => l.startsWith('ok   ')),
        reconciled.stdout,
      );
      assert.match(lines.at(-1)!, /^reconciliation: (\d+)\/\1 symbol-days agree with the exchange total/);
    } finally {
      await runtime.stop({ drainMs: 5_000 });
    }
    assert.match(
      logs.find((l) => l.startsWith('2026-04-14 reconciliation:')) ?? 'no reconciliation line at stop',
      /reconciliation: (\d+)\/\1 symbol-days agree/,
    );
  });

  it('replays a recorded session file', async () => {
    const file = fileURLToPath(new URL('../../fixtures/iboard/session.jsonl', import.meta.url));
    const clock = simulatedClock(replayStart(file), 1);
    const runtime = await startRuntime(options('replay', clock, { kind: 'replay', file, speed: 1 }));
    try {
      const ddb = dynamoClient({ endpoint: runtime.endpoint });
      try {
        const quote = await until(
          'the replayed quote',
          async () => (await queryAll(ddb, runtime.tables.quotes, 'FPT'))[0],
        );
        assert.equal(quote.totalVolume, 3_733_300);
        assert.equal(quote.lastPrice, 76_400);
      } finally {
        ddb.destroy();
      }
    } finally {
      await runtime.stop({ drainMs: 5_000 });
    }
  });

  it('restarts in the middle of a stream and loses and duplicates nothing', async () => {
    const clock = simulatedClock(BEFORE_LUNCH, 1);
    const sim = await startSimulator({ symbols: 6, rate: 250, seed: '23', clock: clock.now });
    try {
      const source = { kind: 'url', url: sim.url } as const;
      const first = await startRuntime(options('restart', clock, source));
      await until(
        'some records processed',
        async () => (await first.status()).eventSource.records > 20 || undefined,
      );
      // The event source mapping stops while the market still trades: records pile up unprocessed.
      await Promise.all(first.eventSources.map((es) => es.stop(0)));
      const processedFirst = first.eventSources.reduce((n, es) => n + es.stats.records, 0);
      await until('the lunch break', () => clock.now() > LUNCH + 3_000 || undefined);
      await first.stop({ drainMs: 0 });

      // Same port, as a user restarting on 4566 would (and the handler modules, loaded
      // once in this process, keep the endpoint they were configured with).
      const second = await startRuntime({ ...options('restart', clock, source), endpointPort: first.port });
      try {
        await settled(second, clock, LUNCH + 3_000);
        const processedSecond = second.eventSources.reduce((n, es) => n + es.stats.records, 0);
        assert.ok(processedSecond > 0, 'the second run processed what the first left');
        // Exactly once across the restart: every record in the stream, none twice.
        const inStream = await countStreamRecords(second.endpoint, second.streamName);
        assert.equal(processedFirst + processedSecond, inStream);
        // And the archive holds every record once, across both runs.
        let archived = 0;
        const archive = new FileArchiveStore(archiveDirOf(join(root, 'restart')));
        for await (const _ of readArchivedDay(archive, '2026-04-14')) archived++;
        assert.equal(archived, inStream, 'every record archived once');
        const ddb = dynamoClient({ endpoint: second.endpoint });
        try {
          const checked = await checkAgainstLedger(ddb, second.tables, sim.ledger, sim.ledger.clientIds());
          assert.ok(checked.trades >= 50, JSON.stringify(checked));
        } finally {
          ddb.destroy();
        }
      } finally {
        await second.stop({ drainMs: 5_000 });
      }
    } finally {
      await sim.stop();
    }
  });

  it('starts and stops ingestion at the session bounds, and not on a holiday', async () => {
    // Tuesday 2026-04-28 22:00 ICT (the runtime's start-up, a few real seconds, is hours
    // of simulated time); 30 April is a holiday. 1 real s = 50 simulated min (slow enough
    // that a loaded 2-core machine still sees each edge within its 15 simulated minutes).
    logs.length = 0;
    const clock = simulatedClock(Date.parse('2026-04-28T15:00:00Z'), 3_000);
    const sim = await startSimulator({ symbols: 3, rate: 20, seed: '3', clock: clock.now });
    const runtime = await startRuntime({
      ...options('schedule', clock, { kind: 'url', url: sim.url }),
      ingestEnv: { [ENV.CONTROL_POLL_SECONDS]: '0.05' },
    });
    const changes: { at: number; wanted: boolean }[] = [];
    try {
      let wanted: boolean | undefined;
      while (clock.now() < Date.parse('2026-04-30T03:00:00Z')) {
        const m = await runtime.ingest.metrics<{ wanted: boolean }>();
        if (m && m.wanted !== wanted) {
          wanted = m.wanted;
          changes.push({ at: clock.now(), wanted });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await runtime.stop({ drainMs: 1_000 });
      await sim.stop();
    }
    const ict = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
    const seen = changes.map((c) => `${c.wanted ? 'on' : 'off'} ${ict(c.at)}`);
    const schedule = logs.filter((l) => l.startsWith('schedule:')).join('\n');
    // Each edge within 15 simulated minutes of its rule (the ingest task polls the control
    // item every 50 ms real = 2.5 simulated minutes at this speed).
    const within = (at: number, from: string) =>
      at >= Date.parse(from) && at < Date.parse(from) + 15 * 60_000;
    const on = changes.filter((c) => c.wanted);
    const off = changes.filter((c) => !c.wanted && on.length > 0 && c.at > on[0].at);
    assert.doesNotMatch(
      schedule,
      /2026-04-29 08:55 ICT.*not a trading day/,
      'session-control judged Wednesday 2026-04-29 (simulated) not a trading day: it reads the wall clock ' +
        'instead of the clock the runtime gives it (CLOCK_START, CLOCK_ORIGIN, CLOCK_SPEED in its environment)',
    );
    assert.equal(on.length, 2, `${seen.join(', ')}\n${schedule}`);
    assert.ok(within(on[0].at, '2026-04-29T08:55:00+07:00'), seen.join(', '));
    assert.ok(within(off[0].at, '2026-04-29T11:35:00+07:00'), seen.join(', '));
    assert.ok(within(on[1].at, '2026-04-29T12:55:00+07:00'), seen.join(', '));
    assert.ok(within(off[1].at, '2026-04-29T15:05:00+07:00'), seen.join(', '));
    // 30 April (Reunification Day): the start rule fires, nothing starts.
    assert.ok(/2026-04-30 08:55 ICT.*→ stopped \(not a trading day\)/.test(schedule), schedule);
  });

  it('starts ingestion within one check when started mid-session without its catch-up', async () => {
    // Tuesday 2026-04-14, 10:03:30 ICT; the provisioned control item says stopped and no
    // rule is replayed. 1 real s = 1 simulated min: the 10:05 check comes ~1.5 s in.
    logs.length = 0;
    const start = Date.parse('2026-04-14T10:03:30+07:00');
    const clock = simulatedClock(start, 60);
    const sim = await startSimulator({ symbols: 3, rate: 20, seed: '4', clock: clock.now });
    const runtime = await startRuntime({
      ...options('mid-session', clock, { kind: 'url', url: sim.url }),
      catchUp: false,
      ingestEnv: {},
    });
    try {
      const firstCheck = Date.parse('2026-04-14T10:05:00+07:00');
      const before = await until('the ingest metrics', () => runtime.ingest.metrics<{ wanted: boolean }>());
      if (clock.now() < firstCheck) assert.equal(before.wanted, false, 'stopped until the check');
      const wantedAt = await until('ingestion to be wanted', async () => {
        const m = await runtime.ingest.metrics<{ wanted: boolean }>();
        return m?.wanted ? clock.now() : undefined;
      });
      const schedule = logs.filter((l) => l.startsWith('schedule:')).join('\n');
      assert.ok(wantedAt >= firstCheck, `wanted at ${new Date(wantedAt).toISOString()} before any check`);
      assert.ok(
        wantedAt < firstCheck + 5 * 60_000,
        `wanted only at ${new Date(wantedAt).toISOString()}\n${schedule}`,
      );
      assert.match(schedule, /SessionCheck.*10:05 ICT.*→ running \(morning session .*check found it stale\)/);
    } finally {
      await runtime.stop({ drainMs: 1_000 });
      await sim.stop();
    }
  });
});
