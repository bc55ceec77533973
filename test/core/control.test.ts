import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlState } from '../../core/control.ts';
import {
  type ControlShapeError,
  decideIngestState,
  desiredTaskCount,
  fromControlItem,
  inIngestWindow,
  parseControlEvent,
  shouldIngest,
  toControlItem,
} from '../../core/control.ts';

/** 2026-04-14 is a Tuesday, 2026-04-18 a Saturday, 2026-02-17 Tet (bundled holidays). */
const TUESDAY_0855_ICT = Date.parse('2026-04-14T01:55:00Z');
const SATURDAY_0855_ICT = Date.parse('2026-04-18T01:55:00Z');
const at = (iso: string) => Date.parse(iso);

const running = (updatedAt = TUESDAY_0855_ICT): ControlState => ({
  pk: 'ingest',
  desired: 'running',
  reason: 'morning session opens',
  updatedAt,
  session: 'morning',
});

describe('parseControlEvent', () => {
  it('accepts the schedule events', () => {
    assert.deepEqual(parseControlEvent({ action: 'start', session: 'morning' }), {
      action: 'start',
      session: 'morning',
    });
    assert.deepEqual(parseControlEvent({ action: 'check' }), { action: 'check', session: undefined });
  });

  it('rejects an unknown action or session with a ControlShapeError naming it', () => {
    assert.throws(
      () => parseControlEvent({ action: 'pause' }),
      (e: ControlShapeError) => {
        assert.equal(e.code, 'CONTROL_SHAPE_INVALID');
        assert.match(e.message, /action must be one of start\|stop\|check\|override\|resume, got pause/);
        return true;
      },
    );
    assert.throws(() => parseControlEvent({ action: 'start', session: 'evening' }), /session must be/);
    assert.throws(() => parseControlEvent(undefined), /action must be/);
  });
});

describe('decideIngestState', () => {
  it('starts on a trading day', () => {
    const state = decideIngestState({ action: 'start', session: 'morning' }, TUESDAY_0855_ICT);
    assert.deepEqual(state, running());
  });

  it('writes stopped for a start on a weekend or a holiday', () => {
    const weekend = decideIngestState({ action: 'start', session: 'morning' }, SATURDAY_0855_ICT);
    assert.equal(weekend?.desired, 'stopped');
    assert.equal(weekend?.reason, 'not a trading day');
    const tet = decideIngestState({ action: 'start', session: 'afternoon' }, at('2026-02-17T05:55:00Z'));
    assert.equal(tet?.desired, 'stopped');
  });

  it('stops whatever the day', () => {
    const state = decideIngestState({ action: 'stop', session: 'afternoon' }, at('2026-04-14T08:05:00Z'));
    assert.deepEqual(state, {
      pk: 'ingest',
      desired: 'stopped',
      reason: 'afternoon session closed',
      updatedAt: at('2026-04-14T08:05:00Z'),
      session: 'afternoon',
    });
  });

  it('writes nothing on a check', () => {
    assert.equal(decideIngestState({ action: 'check' }, TUESDAY_0855_ICT), undefined);
  });
});

describe('shouldIngest and the ingest windows', () => {
  it('is true only inside a window of a trading day with a running item', () => {
    assert.equal(shouldIngest(running(), at('2026-04-14T01:50:00Z')), true, '08:50 ICT');
    assert.equal(shouldIngest(running(), at('2026-04-14T01:49:59Z')), false, '08:49:59 ICT');
    assert.equal(shouldIngest(running(), at('2026-04-14T04:39:59Z')), true, '11:39:59 ICT');
    assert.equal(shouldIngest(running(), at('2026-04-14T04:40:00Z')), false, '11:40 ICT');
    assert.equal(shouldIngest(running(), at('2026-04-14T05:00:00Z')), false, '12:00 ICT lunch');
    assert.equal(shouldIngest(running(), at('2026-04-14T08:09:00Z')), true, '15:09 ICT');
    assert.equal(shouldIngest(running(), at('2026-04-14T08:10:00Z')), false, '15:10 ICT');
  });

  it('is false for a stopped or missing item and on a non-trading day', () => {
    assert.equal(shouldIngest({ ...running(), desired: 'stopped' }, at('2026-04-14T03:00:00Z')), false);
    assert.equal(shouldIngest(undefined, at('2026-04-14T03:00:00Z')), false);
    assert.equal(inIngestWindow(at('2026-04-18T03:00:00Z')), false, 'Saturday 10:00 ICT');
  });
});

describe('desiredTaskCount', () => {
  it('follows the written state on start and stop', () => {
    assert.equal(desiredTaskCount({ action: 'start' }, running(), TUESDAY_0855_ICT), 1);
    assert.equal(
      desiredTaskCount({ action: 'stop' }, { ...running(), desired: 'stopped' }, TUESDAY_0855_ICT),
      0,
    );
  });

  it('re-applies the stored state on a check, inside the windows only', () => {
    assert.equal(desiredTaskCount({ action: 'check' }, running(), at('2026-04-14T03:00:00Z')), 1);
    assert.equal(
      desiredTaskCount({ action: 'check' }, running(), at('2026-04-14T08:30:00Z')),
      0,
      '15:30 ICT',
    );
    assert.equal(desiredTaskCount({ action: 'check' }, undefined, at('2026-04-14T03:00:00Z')), 0);
  });
});

describe('control item marshalling', () => {
  it('round-trips a state through the attribute map', () => {
    const item = toControlItem(running());
    assert.deepEqual(item, {
      pk: { S: 'ingest' },
      desired: { S: 'running' },
      reason: { S: 'morning session opens' },
      updatedAt: { N: String(TUESDAY_0855_ICT) },
      session: { S: 'morning' },
    });
    assert.deepEqual(fromControlItem(item), running());
    const { session: _session, ...withoutSession } = running();
    assert.deepEqual(fromControlItem(toControlItem(withoutSession)), withoutSession);
  });

  it('reads a missing item as undefined and rejects a malformed one', () => {
    assert.equal(fromControlItem(undefined), undefined);
    assert.throws(
      () => fromControlItem({ pk: { S: 'ingest' }, desired: { S: 'on' }, updatedAt: { N: '1' } }),
      {
        code: 'CONTROL_SHAPE_INVALID',
      },
    );
    assert.throws(() => fromControlItem({ pk: { S: 'ingest' }, desired: { S: 'running' } }), /updatedAt/);
  });
});
