import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseSchedule,
  ScheduleExpressionError,
  toCronerPattern,
} from '../../../local/eventbridge/aws-cron.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('toCronerPattern', () => {
  it('prepends seconds and turns ? into *', () => {
    assert.equal(toCronerPattern('55 1 ? * MON-FRI *'), '0 55 1 * * MON-FRI *');
    assert.equal(toCronerPattern('0 12 1 * ? 2027'), '0 0 12 1 * * 2027');
  });

  it('rejects a wrong field count and two day fields', () => {
    assert.throws(() => toCronerPattern('55 1 * * MON-FRI'), ScheduleExpressionError);
    assert.throws(() => toCronerPattern('55 1 1 * MON *'), /one of day-of-month and day-of-week must be \?/);
  });
});

describe('parseSchedule', () => {
  it('fires on weekdays only, in UTC', () => {
    const s = parseSchedule('cron(55 1 ? * MON-FRI *)');
    // Friday 2026-04-17 after 01:55 UTC -> Monday 2026-04-20.
    assert.equal(iso(s.next(at('2026-04-17T02:00:00Z'))), '2026-04-20T01:55:00.000Z');
    assert.equal(iso(s.next(at('2026-04-14T01:54:59Z'))), '2026-04-14T01:55:00.000Z');
    // Strictly after: a firing exactly at the instant is not returned again.
    assert.equal(iso(s.next(at('2026-04-14T01:55:00Z'))), '2026-04-15T01:55:00.000Z');
  });

  it('reads numeric weekdays as AWS does (1 = SUN ... 7 = SAT)', () => {
    const s = parseSchedule('cron(0 3 ? * 2 *)'); // MON
    assert.equal(iso(s.next(at('2026-04-14T00:00:00Z'))), '2026-04-20T03:00:00.000Z');
    assert.equal(new Date(s.next(at('2026-04-14T00:00:00Z'))!).getUTCDay(), 1);
  });

  it('accepts AWS step syntax start/step and hour ranges', () => {
    const s = parseSchedule('cron(0/5 2-8 ? * MON-FRI *)');
    const times: string[] = [];
    let t = at('2026-04-14T08:50:00Z');
    for (let i = 0; i < 3; i++) {
      t = s.next(t)!;
      times.push(iso(t)!);
    }
    assert.deepEqual(times, [
      '2026-04-14T08:55:00.000Z',
      '2026-04-15T02:00:00.000Z',
      '2026-04-15T02:05:00.000Z',
    ]);
  });

  it('honours the year field', () => {
    const s = parseSchedule('cron(0 12 1 * ? 2027)');
    assert.equal(iso(s.next(at('2026-04-18T00:00:00Z'))), '2027-01-01T12:00:00.000Z');
  });

  it('finds the previous firing inside a window', () => {
    const s = parseSchedule('cron(55 1 ? * MON-FRI *)');
    assert.equal(
      iso(s.previous(at('2026-04-20T05:00:00Z'), at('2026-04-19T05:00:00Z'))),
      '2026-04-20T01:55:00.000Z',
    );
    // Sunday: nothing in the last 24 h.
    assert.equal(s.previous(at('2026-04-19T05:00:00Z'), at('2026-04-18T05:00:00Z')), undefined);
  });

  it('runs rate() expressions from their anchor', () => {
    const s = parseSchedule('rate(5 minutes)', at('2026-04-14T00:00:00Z'));
    assert.equal(iso(s.next(at('2026-04-14T00:07:00Z'))), '2026-04-14T00:10:00.000Z');
    assert.equal(iso(s.previous(at('2026-04-14T00:07:00Z'), 0)), '2026-04-14T00:05:00.000Z');
  });

  it('rejects what EventBridge would reject', () => {
    assert.throws(() => parseSchedule('at(2026-04-14T00:00:00)'), ScheduleExpressionError);
    assert.throws(() => parseSchedule('cron(61 1 ? * MON-FRI *)'), ScheduleExpressionError);
  });
});
