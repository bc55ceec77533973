import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ChaosReport } from '../../../local/chaos/report.ts';

const CHAOS = fileURLToPath(new URL('../../../scripts/chaos.ts', import.meta.url));
/** With a Cassandra (CI starts one), the run writes it too and judges the CQL tables as well. */
const CQL = Boolean(process.env.CASSANDRA_CONTACT_POINTS);

type Run = { code: number | null; stdout: string; stderr: string };

describe(`npm run chaos -- --short${CQL ? ' --sink both' : ''} (both transports, one report each)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-test-'));
  const json = join(dir, 'report.json');
  let run: Promise<Run> | undefined;
  /** The one run (V2, then MQTT) both tests read: started by the first. */
  const chaos = () => {
    run ??= new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', CHAOS, '--short', '--json', json, ...(CQL ? ['--sink', 'both'] : [])],
        { timeout: 460_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    return run;
  };
  const reportOf = async (protocol: string): Promise<{ report: ChaosReport; verdict: string }> => {
    const { code, stdout, stderr } = await chaos();
    const start = stdout.indexOf(`chaos run over ${protocol.toUpperCase()}`);
    const verdict = start < 0 ? '' : stdout.slice(start);
    assert.equal(code, 0, `chaos exited ${code}\n${stdout.slice(-6000)}\n${stderr.slice(-2000)}`);
    const out = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; reports: ChaosReport[] };
    assert.equal(out.ok, true);
    assert.deepEqual(
      out.reports.map((r) => r.protocol),
      ['v2', 'mqtt'],
    );
    const report = out.reports.find((r) => r.protocol === protocol);
    assert.ok(report, protocol);
    return { report, verdict };
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  const CHECKS = [
    'drained, nothing given up',
    'volume conservation',
    'every trade, once',
    'no duplicate rows',
    'quotes = ledger last state',
    'poison and corrupt input in rejects',
    'altered frames stored as data',
    'exchange correction stored',
    'overlapping ingest connections',
    'reconnect after each source fault',
    'frames lost in transit',
    ...(CQL
      ? [
          'volume conservation (CQL)',
          'every trade, once (CQL)',
          'no duplicate rows (CQL)',
          'quotes = ledger last state (CQL)',
          'CQL tables = DynamoDB tables',
        ]
      : []),
  ];

  it('over V2: injects every fault and passes every check', { timeout: 480_000 }, async () => {
    const { report } = await reportOf('v2');
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((c) => c.name),
      CHECKS,
    );
    // 5 closes, the silence, the refusal, the ingest SIGTERM and the runtime restart.
    assert.equal(report.reconnects.length, 9);
    // "exactly as many malformed frames as asked, or a few more" (local/chaos/fault-actions.ts): 100 asked.
    const malformed = report.faults.map((f) => Number(/(\d+) malformed frames/.exec(f.name)?.[1] ?? 0));
    assert.ok(
      Math.max(...malformed) >= 100,
      `malformed frames sent: ${malformed.filter(Boolean).join(', ')}`,
    );
    assert.ok(report.proxies.kinesis.resets > 0, 'the Kinesis endpoint was unreachable for a while');
    assert.ok(report.proxies.kinesis.entriesRefused > 0, 'PutRecords partly failed');
    assert.ok(report.proxies.dynamodb.errors > 0, 'DynamoDB failed some requests');
    assert.ok(report.stream.frames > 1000, `${report.stream.frames} frames`);
    assert.ok(report.altered['extra-field'] > 0 && report.altered['junk-field'] > 0, 'frames were altered');
    assert.ok(report.faults.some((f) => /^exchange: .* volume corrected/.test(f.name)));
    assert.ok(report.faults.some((f) => /^ingest: a second task on the same stream/.test(f.name)));
    // The correction is stored as such: a negative row, and the day still sums to the total.
    assert.ok(report.reconciliation.byKind.correction < 0, 'a correction row was stored');
  });

  it('over MQTT: the same faults, every check judged (per connection by clientId)', {
    timeout: 480_000,
  }, async () => {
    const { report, verdict } = await reportOf('mqtt');
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((c) => c.name),
      CHECKS.map((name) => (name === 'poison and corrupt input in rejects' ? `${name} (over MQTT)` : name)),
    );
    const transit = report.checks.find((c) => c.name === 'frames lost in transit');
    assert.match(transit?.summary ?? '', /MQTT connections, matched by clientId; 100 undecodable payloads/);
    assert.ok(
      report.transit.sent > 1000 && report.transit.sent === report.transit.delivered + report.transit.lost,
    );
    const overlap = report.checks.find((c) => c.name === 'overlapping ingest connections');
    assert.match(
      overlap?.summary ?? '',
      /connection [0-9a-f]{8}-mqtt-\d+ \(.*clock \+1.5 s\) beside another/,
    );
    assert.ok(report.altered['extra-field'] > 0 && report.altered['junk-field'] > 0, 'messages were altered');
    assert.match(verdict, /chaos: every check passed/);
    assert.equal(report.reconnects.length, 9);
    assert.ok(
      report.reconnects.every((r) => r.seconds !== undefined),
      'a new connection after each fault',
    );
    assert.ok(report.stream.frames > 1000, `${report.stream.frames} frames`);
    assert.ok(report.faults.some((f) => /undecodable MQTT payloads/.test(f.name)));
    assert.ok(report.reconciliation.byKind.correction < 0, 'a correction row was stored');
  });
});
