import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyStats } from '../../../local/lambda/event-source-mapping-types.ts';
import { simulatedClock } from '../../../local/runtime/clock.ts';
import { formatStatus, type RuntimeStatus } from '../../../local/runtime/status-line.ts';

describe('formatStatus', () => {
  const clock = simulatedClock(Date.parse('2026-04-14T02:15:00Z'), 60);
  const status: RuntimeStatus = {
    at: 0,
    ingest: {
      state: 'open',
      wanted: true,
      framesIn: 50_000,
      framesPut: 49_000,
      recordsPut: 1_000,
      shed: 0,
      source: 'websocket',
      switches: 0,
    },
    framesPerSecond: 1987.4,
    eventSource: { ...emptyStats(), records: 990, frames: 48_500, iteratorAgeMs: 1_250 },
    rows: { trades: 5_432, quotes: 1_200, bars: 800, indices: 40, rejects: 2, control: 1 },
    deadLetters: 1,
  };

  it('shows every figure of the status line', () => {
    const line = formatStatus(status, clock);
    assert.match(line, /^09:15:0\d ICT \(sim ×60\)/);
    for (const part of [
      'ingest open',
      'in 1,987 fr/s',
      'put 1,000 rec / 49,000 fr',
      'processed 990 rec / 48,500 fr',
      'rows trades 5,432 quotes 1,200 bars 800 indices 40',
      'lag 1.3 s',
      'rejects 2 (0.00%)',
      'dlq 1',
    ]) {
      assert.ok(line.includes(part), `${part} in ${line}`);
    }
  });

  it("counts the CQL rows beside DynamoDB's when the transform writes to Cassandra too", () => {
    assert.doesNotMatch(formatStatus(status, clock), /cql/);
    const cqlRows = { trades: 5_432, quotes: 1_199, bars: 800, indices: 40 };
    assert.match(
      formatStatus({ ...status, cqlRows }, clock),
      / \| rows trades 5,432 quotes 1,200 bars 800 indices 40 \| cql trades 5,432 quotes 1,199 bars 800 indices 40 \| /,
    );
  });

  it('shows the reject rate of the frames processed', () => {
    const many = { ...status, rows: { ...status.rows, rejects: 970 } };
    assert.match(formatStatus(many, clock), / \| rejects 970 \(2\.00%\) \| /);
    const none = { ...status, eventSource: { ...status.eventSource, frames: 0 }, rows: { rejects: 0 } };
    assert.match(formatStatus(none, clock), / \| rejects 0 \| /);
  });

  it('says when the schedule keeps the ingest task idle', () => {
    const idle = { ...status, ingest: { ...status.ingest!, wanted: false } };
    assert.match(formatStatus(idle, clock), /ingest waiting for the schedule/);
  });

  it('shows the REST fallback while it is the source, and the switches once there were any', () => {
    const polling = { ...status, ingest: { ...status.ingest!, source: 'rest', switches: 1 } };
    assert.match(formatStatus(polling, clock), /ingest open \(REST polling, 1 switch\) \|/);
    const back = { ...status, ingest: { ...status.ingest!, source: 'websocket', switches: 2 } };
    assert.match(formatStatus(back, clock), /ingest open \(websocket, 2 switches\) \|/);
    assert.match(formatStatus(status, clock), /ingest open \|/);
  });

  it('names the live transport once it is not plain V2 (IBOARD_PROTOCOL=auto or mqtt)', () => {
    const moved = { ...status, ingest: { ...status.ingest!, source: 'mqtt', switches: 1 } };
    assert.match(formatStatus(moved, clock), /ingest open \(MQTT, 1 switch\) \|/);
    const fixed = { ...status, ingest: { ...status.ingest!, source: 'mqtt', switches: 0 } };
    assert.match(formatStatus(fixed, clock), /ingest open \(MQTT\) \|/);
    const v2 = { ...status, ingest: { ...status.ingest!, source: 'v2', switches: 0 } };
    assert.match(formatStatus(v2, clock), /ingest open \|/);
  });
});
