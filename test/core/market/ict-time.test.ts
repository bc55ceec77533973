import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateToDayNumber,
  ictDate,
  ictDateTime,
  ictDayNumber,
  ictDayStart,
  ictMinute,
  ictMinuteOfDay,
  ictTimeOfDay,
} from '../../../core/market/ict-time.ts';

describe('ict-time', () => {
  it('turns 23:30 UTC into the next ICT day', () => {
    const t = Date.parse('2026-04-13T23:30:00Z');
    assert.equal(ictDate(t), '2026-04-14');
    assert.equal(ictMinute(t), '06:30');
    assert.equal(ictDateTime(t), '2026-04-14 06:30');
  });

  it('formats the ICT minute and second of an instant', () => {
    const t = Date.parse('2026-04-14T02:15:42.900Z');
    assert.equal(ictMinute(t), '09:15');
    assert.equal(ictTimeOfDay(t), '09:15:42');
    assert.equal(ictMinuteOfDay(t), 555);
  });

  it('agrees with the day number at both ends of an ICT day', () => {
    const day = dateToDayNumber('2026-04-14');
    assert.equal(ictDate(ictDayStart(day)), '2026-04-14');
    assert.equal(ictDate(ictDayStart(day + 1) - 1), '2026-04-14');
    assert.equal(ictDayNumber(ictDayStart(day + 1)), day + 1);
  });
});
