import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlState } from '../../core/control.ts';
import { fromControlItem, parseControlEvent, shouldIngest, toControlItem } from '../../core/control.ts';
import { endOfIctDay, reconcileControl, scheduledState } from '../../core/session-reconcile.ts';

/** 2026-04-14 is a Tuesday; 2026-04-30 Reunification Day (bundled holidays). */
const at = (ictTime: string, day = '2026-04-14') => Date.parse(`${day}T${ictTime}:00+07:00`);

const stored = (desired: 'running' | 'stopped', updatedAt: number, extra: Partial<ControlState> = {}) =>
  ({ pk: 'ingest', desired, reason: 'earlier', updatedAt, ...extra }) as ControlState;

const override = (desired: 'running' | 'stopped', from: number, until: number): ControlState =>
  stored(desired, from, {
    reason: 'override by lan: feed outage',
    override: { by: 'lan', why: 'feed outage', at: from, until },
  });

describe('scheduledState', () => {
  it('is running from each start rule to its stop rule on a trading day, stopped otherwise', () => {
    const cases: [string, string, string][] = [
      ['08:54', '2026-04-14', 'stopped'],
      ['08:55', '2026-04-14', 'running'],
      ['11:34', '2026-04-14', 'running'],
      ['11:35', '2026-04-14', 'stopped'],
      ['12:55', '2026-04-14', 'running'],
      ['15:04', '2026-04-14', 'running'],
      ['15:05', '2026-04-14', 'stopped'],
      ['10:00', '2026-04-18', 'stopped'], // Saturday
      ['10:00', '2026-04-30', 'stopped'], // holiday
    ];
    for (const [time, day, desired] of cases) {
      assert.equal(scheduledState(at(time, day)).desired, desired, `${day} ${time}`);
    }
    assert.equal(scheduledState(at('10:00')).session, 'morning');
    assert.equal(scheduledState(at('10:00', '2026-04-30')).reason, 'not a trading day');
  });
});

describe('reconcileControl on a check mid-session', () => {
  const now = at('10:05');

  it('writes running when there is no control item (a fresh deploy, a LocalStack restart)', () => {
    const { state, write } = reconcileControl({ action: 'check' }, undefined, now);
    assert.equal(write, true);
    assert.equal(state.desired, 'running');
    assert.equal(state.session, 'morning');
    assert.match(state.reason, /morning session \(08:55–11:35 ICT\); check found no control item/);
    assert.equal(state.updatedAt, now);
    assert.equal(shouldIngest(state, now), true, 'the ingest task starts on it');
  });

  it('writes running over a stale stopped item (yesterday afternoon stop, a missed start)', () => {
    const stale = stored('stopped', at('15:05', '2026-04-13'));
    const { state, write } = reconcileControl({ action: 'check' }, stale, now);
    assert.equal(write, true);
    assert.equal(state.desired, 'running');
    assert.match(state.reason, /check found it stale/);
  });

  it('writes stopped over a running item left at lunch (a missed stop)', () => {
    const { state, write } = reconcileControl(
      { action: 'check' },
      stored('running', at('08:55')),
      at('12:00'),
    );
    assert.equal(write, true);
    assert.equal(state.desired, 'stopped');
  });

  it('writes nothing when the item already agrees with the calendar', () => {
    const agreeing = stored('running', at('08:55'));
    assert.deepEqual(reconcileControl({ action: 'check' }, agreeing, now), { state: agreeing, write: false });
  });

  it('obeys an operator override until it ends, then restores the calendar', () => {
    const held = override('stopped', at('09:30'), at('13:00'));
    assert.deepEqual(reconcileControl({ action: 'check' }, held, now), { state: held, write: false });
    assert.deepEqual(reconcileControl({ action: 'start', session: 'afternoon' }, held, at('12:55')), {
      state: held,
      write: false,
    });
    const after = reconcileControl({ action: 'check' }, held, at('13:00'));
    assert.equal(after.write, true);
    assert.equal(after.state.desired, 'running');
    assert.equal(after.state.override, undefined);
    assert.match(after.state.reason, /override by lan ended/);
  });
});

describe('reconcileControl on the edges and operator actions', () => {
  it('start and stop write what they always wrote, the holiday calendar winning', () => {
    const start = reconcileControl({ action: 'start', session: 'morning' }, undefined, at('08:55'));
    assert.deepEqual(start.state, {
      pk: 'ingest',
      desired: 'running',
      reason: 'morning session opens',
      updatedAt: at('08:55'),
      session: 'morning',
    });
    assert.equal(start.write, true);
    const holiday = reconcileControl(
      { action: 'start', session: 'morning' },
      undefined,
      at('08:55', '2026-04-30'),
    );
    assert.equal(holiday.state.desired, 'stopped');
    // The stop rule and the check at 11:35 agree, whichever runs first.
    const stop = reconcileControl({ action: 'stop', session: 'morning' }, start.state, at('11:35'));
    assert.equal(reconcileControl({ action: 'check' }, stop.state, at('11:35')).write, false);
    assert.equal(reconcileControl({ action: 'check' }, start.state, at('11:35')).state.desired, 'stopped');
  });

  it('records an override with who, when and why, until the end of the ICT day by default', () => {
    const event = parseControlEvent({
      action: 'override',
      desired: 'stopped',
      by: 'lan',
      why: 'feed outage',
    });
    const { state, write } = reconcileControl(event, stored('running', at('08:55')), at('10:00'));
    assert.equal(write, true);
    assert.equal(state.desired, 'stopped');
    assert.deepEqual(state.override, {
      by: 'lan',
      why: 'feed outage',
      at: at('10:00'),
      until: endOfIctDay(at('10:00')),
    });
    assert.equal(endOfIctDay(at('10:00')), Date.parse('2026-04-15T00:00:00+07:00'));
    assert.deepEqual(fromControlItem(toControlItem(state)), state, 'the item keeps it');
  });

  it('ends an override on resume, with the calendar state and who resumed', () => {
    const held = override('stopped', at('09:30'), at('14:00'));
    const event = parseControlEvent({ action: 'resume', by: 'minh', why: 'feed back' });
    const { state, write } = reconcileControl(event, held, at('10:00'));
    assert.equal(write, true);
    assert.equal(state.desired, 'running');
    assert.equal(state.override, undefined);
    assert.match(state.reason, /resumed by minh: feed back/);
  });

  it('rejects an override without who, why or a valid desired state or end, naming what is missing', () => {
    assert.throws(
      () => parseControlEvent({ action: 'override', desired: 'stopped', why: 'x' }),
      /override needs by/,
    );
    assert.throws(() => parseControlEvent({ action: 'resume', by: 'lan' }), /resume needs why/);
    assert.throws(
      () => parseControlEvent({ action: 'override', desired: 'paused', by: 'lan', why: 'x' }),
      /override needs desired: one of running\|stopped, got paused/,
    );
    assert.throws(
      () => parseControlEvent({ action: 'override', desired: 'stopped', by: 'lan', why: 'x', until: 'soon' }),
      /override until must be an ISO time, got soon/,
    );
  });

  it('rejects a hand-written item with half an override', () => {
    const item = { ...toControlItem(stored('stopped', 1)), overrideBy: { S: 'lan' } };
    assert.throws(() => fromControlItem(item), /override needs overrideBy and overrideWhy .* has overrideBy/);
  });
});
