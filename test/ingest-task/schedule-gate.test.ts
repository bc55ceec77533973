import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlState } from '../../core/control.ts';
import { ScheduleGate } from '../../ingest-task/schedule-gate.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const running: ControlState = {
  pk: 'ingest',
  desired: 'running',
  reason: 'morning session opens',
  updatedAt: 0,
};
const stopped: ControlState = {
  pk: 'ingest',
  desired: 'stopped',
  reason: 'morning session closed',
  updatedAt: 0,
};
// Tuesday 2026-04-14, ICT.
const at = (hhmm: string) => Date.parse(`2026-04-14T${hhmm}:00+07:00`);

function gate(options: {
  state: () => ControlState | undefined | Error;
  now: () => number;
  mode?: 'control' | 'always';
}) {
  const changes: boolean[] = [];
  const g = new ScheduleGate({
    mode: options.mode ?? 'control',
    pollMs: 60_000,
    clock: options.now,
    readControl: async () => {
      const s = options.state();
      if (s instanceof Error) throw s;
      return s;
    },
    onChange: (wanted) => changes.push(wanted),
    logger: silent,
  });
  return { g, changes };
}

describe('ScheduleGate', () => {
  it('wants ingestion when the control item says running and the calendar agrees', async () => {
    let now = at('10:00');
    let state: ControlState | undefined = running;
    const { g, changes } = gate({ state: () => state, now: () => now });
    await g.start();
    assert.deepEqual(changes, [true]);
    now = at('12:00'); // lunch break: outside the ingest windows
    await g.evaluate();
    now = at('13:30');
    await g.evaluate();
    state = stopped;
    await g.evaluate();
    await g.evaluate();
    g.stop();
    assert.deepEqual(changes, [true, false, true, false], 'reports changes only');
  });

  it('holds no socket on a weekend even if the item says running, nor without an item', async () => {
    const weekend = gate({ state: () => running, now: () => Date.parse('2026-04-18T10:00:00+07:00') });
    await weekend.g.start();
    weekend.g.stop();
    assert.deepEqual(weekend.changes, [false]);
    const missing = gate({ state: () => undefined, now: () => at('10:00') });
    await missing.g.start();
    missing.g.stop();
    assert.deepEqual(missing.changes, [false]);
  });

  it('keeps the last answer when the control item cannot be read', async () => {
    let state: ControlState | Error = running;
    const { g, changes } = gate({ state: () => state, now: () => at('10:00') });
    await g.start();
    state = new Error('network down');
    await g.evaluate();
    g.stop();
    assert.deepEqual(changes, [true]);
    assert.equal(g.wanted, true);
  });

  it('always wants ingestion in always mode', async () => {
    const { g, changes } = gate({
      state: () => stopped,
      now: () => Date.parse('2026-04-18T03:00:00Z'),
      mode: 'always',
    });
    await g.start();
    g.stop();
    assert.deepEqual(changes, [true]);
  });
});
