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

describe(`npm run chaos -- --short${CQL ? ' --sink both' : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('injects every fault and passes every check', { timeout: 240_000 }, async () => {
    const json = join(dir, 'report.json');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', CHAOS, '--short', '--json', json, ...(CQL ? ['--sink', 'both'] : [])],
        { timeout: 230_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    const verdict = run.stdout.slice(run.stdout.lastIndexOf('checks:'));
    assert.equal(run.code, 0, `chaos exited ${run.code}\n${verdict}\n${run.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as ChaosReport;
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((c) => c.name),
      [
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
      ],
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

  it('runs the same faults with the ingest task on MQTT; checks it cannot judge say so', {
    timeout: 240_000,
  }, async () => {
    const json = join(dir, 'report-mqtt.json');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', CHAOS, '--short', '--protocol', 'mqtt', '--json', json],
        { timeout: 230_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    const verdict = run.stdout.slice(run.stdout.lastIndexOf('checks:'));
    assert.equal(run.code, 0, `chaos exited ${run.code}\n${verdict}\n${run.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as ChaosReport;
    assert.equal(report.ok, true);
    assert.equal(report.protocol, 'mqtt');
    const judged = report.checks.filter((c) => !c.notApplicable).map((c) => c.name);
    assert.deepEqual(judged, [
      'drained, nothing given up',
      'volume conservation',
      'every trade, once',
      'no duplicate rows',
      'quotes = ledger last state',
      'poison and corrupt input in rejects (over MQTT)',
      'exchange correction stored',
      'reconnect after each source fault',
    ]);
    const na = report.checks.filter((c) => c.notApplicable);
    assert.deepEqual(
      na.map((c) => c.name),
      [
        'altered frames stored as data (over MQTT)',
        'overlapping ingest connections (over MQTT)',
        'frames lost in transit (over MQTT)',
      ],
    );
    assert.ok(
      na.every((c) => (c.notApplicable ?? '').length > 20),
      'each N/A gives its reason',
    );
    assert.match(verdict, /N\/A {3}frames lost in transit \(over MQTT\): not applicable: /);
    assert.match(verdict, /every check passed \(3 not applicable over MQTT, listed as N\/A\)/);
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
