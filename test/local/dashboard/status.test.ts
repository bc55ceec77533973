import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStatus, duration, formatIct } from '../../../local/dashboard/status.ts';

/** ICT wall time → epoch ms. */
const ict = (text: string) => Date.parse(`${text}+07:00`);

describe('computeStatus', () => {
  it('is live during a session with a recent update', () => {
    const now = ict('2026-04-14T10:00:00');
    const status = computeStatus({ now, lastUpdate: now - 2_000 });
    assert.equal(status.trading, true);
    assert.equal(status.feed, 'live');
    assert.equal(status.level, 'ok');
    assert.equal(status.ageMs, 2_000);
    assert.equal(status.nextOpen, null);
    assert.deepEqual(status.phases, { hose: 'continuous', hnx: 'continuous', upcom: 'continuous' });
    assert.equal(status.message, 'Market open (continuous) · feed live');
  });

  it('says the feed is down when a session has been silent longer than the threshold', () => {
    const now = ict('2026-04-14T10:00:00');
    const status = computeStatus({ now, lastUpdate: now - 125_000 });
    assert.equal(status.feed, 'down');
    assert.equal(status.level, 'down');
    assert.match(status.message, /^Feed down: no update for 2 min 5 s during the trading session/);
  });

  it('says the feed is down when nothing has arrived during a session', () => {
    const status = computeStatus({ now: ict('2026-04-14T09:05:00'), lastUpdate: null });
    assert.equal(status.feed, 'down');
    assert.equal(
      status.message,
      'Feed down: no data received yet during the trading session (HOSE ATO, HNX continuous, UPCoM continuous)',
    );
    assert.equal(status.phases.hose, 'ATO');
  });

  it('honours a custom threshold', () => {
    const now = ict('2026-04-14T10:00:00');
    assert.equal(computeStatus({ now, lastUpdate: now - 5_000, staleAfterMs: 3_000 }).feed, 'down');
    assert.equal(computeStatus({ now, lastUpdate: now - 5_000 }).feed, 'live');
  });

  it('says the market is closed at the weekend and when it opens next', () => {
    const status = computeStatus({ now: ict('2026-04-18T10:00:00'), lastUpdate: ict('2026-04-17T14:59:00') });
    assert.equal(status.trading, false);
    assert.equal(status.feed, 'idle');
    assert.equal(status.level, 'closed');
    assert.equal(status.nextOpen, ict('2026-04-20T09:00:00'));
    assert.equal(status.message, 'Market closed (weekend) · next session Mon 20 Apr 09:00 ICT');
  });

  it('names the lunch break and the afternoon session', () => {
    const status = computeStatus({ now: ict('2026-04-14T12:00:00'), lastUpdate: ict('2026-04-14T11:29:59') });
    assert.equal(status.message, 'Market closed (lunch break) · next session Tue 14 Apr 13:00 ICT');
  });

  it('names before the open and after the close', () => {
    assert.match(
      computeStatus({ now: ict('2026-04-14T08:00:00'), lastUpdate: null }).message,
      /before the open/,
    );
    assert.match(
      computeStatus({ now: ict('2026-04-14T16:00:00'), lastUpdate: null }).message,
      /after the close.*Wed 15 Apr 09:00 ICT/,
    );
  });

  it('names a holiday', () => {
    // 30 April (Reunification Day) 2026 is a Thursday.
    assert.match(computeStatus({ now: ict('2026-04-30T10:00:00'), lastUpdate: null }).message, /\(holiday\)/);
  });

  it('reads the calendar on the simulated clock and ages receipts on the wall clock', () => {
    const simulated = ict('2026-04-14T10:00:00');
    const wallNow = ict('2026-11-28T03:00:00');
    const live = computeStatus({ now: simulated, wallNow, lastUpdate: wallNow - 1_000 });
    assert.equal(live.trading, true);
    assert.equal(live.feed, 'live');
    assert.equal(live.ageMs, 1_000);
    const down = computeStatus({ now: simulated, wallNow, lastUpdate: wallNow - 60_000 });
    assert.equal(down.feed, 'down');
    assert.match(down.message, /no update for 1 min/);
  });

  it('says data is still arriving when updates flow outside trading hours (a replay)', () => {
    const now = ict('2026-04-18T21:00:00');
    const status = computeStatus({ now, lastUpdate: now - 1_000 });
    assert.equal(status.feed, 'live');
    assert.equal(status.level, 'ok');
    assert.match(status.message, /^Market closed \(weekend\) · data still arriving/);
  });
});

describe('formatting', () => {
  it('formats ICT times and durations', () => {
    assert.equal(formatIct(ict('2026-04-20T09:00:00')), 'Mon 20 Apr 09:00 ICT');
    assert.equal(duration(4_400), '4 s');
    assert.equal(duration(120_000), '2 min');
    assert.equal(duration(3 * 3_600_000 + 600_000), '3 h 10 min');
    assert.equal(duration(5 * 86_400_000), '5 days');
  });
});
