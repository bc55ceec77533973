import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isMarketTradingAt,
  isTradingAt,
  isTradingDay,
  nextClose,
  nextMarketClose,
  nextMarketOpen,
  nextOpen,
  phaseAt,
} from '../../../core/market/calendar.ts';
import type { Exchange } from '../../../core/market/exchange.ts';

const at = (iso: string) => Date.parse(iso);
/** An ICT wall-clock time on a date, as epoch ms (ICT = UTC+7). */
const ict = (date: string, time: string) => Date.parse(`${date}T${time}:00+07:00`);
const iso = (ms: number) => new Date(ms).toISOString();
const TUESDAY = '2026-04-14';

describe('phaseAt', () => {
  const table: [string, Record<Exchange, string>][] = [
    ['08:59', { hose: 'pre-open', hnx: 'pre-open', upcom: 'pre-open' }],
    ['09:00', { hose: 'ATO', hnx: 'continuous', upcom: 'continuous' }],
    ['09:14', { hose: 'ATO', hnx: 'continuous', upcom: 'continuous' }],
    ['09:15', { hose: 'continuous', hnx: 'continuous', upcom: 'continuous' }],
    ['11:29', { hose: 'continuous', hnx: 'continuous', upcom: 'continuous' }],
    ['11:30', { hose: 'lunch', hnx: 'lunch', upcom: 'lunch' }],
    ['12:59', { hose: 'lunch', hnx: 'lunch', upcom: 'lunch' }],
    ['13:00', { hose: 'continuous', hnx: 'continuous', upcom: 'continuous' }],
    ['14:30', { hose: 'ATC', hnx: 'ATC', upcom: 'continuous' }],
    ['14:45', { hose: 'put-through', hnx: 'put-through', upcom: 'continuous' }],
    ['14:59', { hose: 'put-through', hnx: 'put-through', upcom: 'continuous' }],
    ['15:00', { hose: 'closed', hnx: 'closed', upcom: 'closed' }],
    ['23:59', { hose: 'closed', hnx: 'closed', upcom: 'closed' }],
  ];
  for (const [time, expected] of table) {
    it(`follows the session table at ${time} ICT`, () => {
      for (const exchange of ['hose', 'hnx', 'upcom'] as const) {
        assert.equal(phaseAt(ict(TUESDAY, time), exchange), expected[exchange], exchange);
      }
    });
  }

  it('uses ICT, not UTC, at the 09:00 boundary (01:59Z vs 02:00Z)', () => {
    assert.equal(phaseAt(at('2026-04-14T01:59:59.999Z'), 'hose'), 'pre-open');
    assert.equal(phaseAt(at('2026-04-14T02:00:00Z'), 'hose'), 'ATO');
    assert.equal(isTradingAt(at('2026-04-14T01:59:59.999Z'), 'hose'), false);
    assert.equal(isTradingAt(at('2026-04-14T02:00:00Z'), 'hose'), true);
  });

  it('is closed all day on weekends, including a Friday evening UTC that is Saturday in ICT', () => {
    assert.equal(phaseAt(at('2026-04-17T23:30:00Z'), 'hose'), 'closed');
    assert.equal(isTradingDay(at('2026-04-17T23:30:00Z')), false);
    assert.equal(isTradingDay(at('2026-04-17T16:59:59Z')), true);
    assert.equal(phaseAt(ict('2026-04-18', '10:00'), 'upcom'), 'closed');
    assert.equal(phaseAt(ict('2026-04-19', '10:00'), 'hnx'), 'closed');
  });

  it('is closed on holidays', () => {
    for (const date of ['2026-01-01', '2026-02-17', '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-02']) {
      assert.equal(phaseAt(ict(date, '10:00'), 'hose'), 'closed', date);
      assert.equal(isTradingDay(date), false, date);
    }
    assert.equal(isTradingDay('2027-02-10'), false);
    assert.equal(isTradingDay('2026-02-23'), true);
  });

  it('accepts an injected holiday set', () => {
    const holidays = new Set(['2026-04-14']);
    assert.equal(phaseAt(ict(TUESDAY, '10:00'), 'hose', { holidays }), 'closed');
    assert.equal(phaseAt(ict('2026-04-27', '10:00'), 'hose', { holidays }), 'continuous');
  });
});

describe('isTradingAt', () => {
  it('is false at lunch and true in ATC and put-through', () => {
    assert.equal(isTradingAt(ict(TUESDAY, '12:00'), 'hnx'), false);
    assert.equal(isTradingAt(ict(TUESDAY, '14:40'), 'hose'), true);
    assert.equal(isTradingAt(ict(TUESDAY, '14:50'), 'hnx'), true);
  });

  it('has a marketwide form that is true when any exchange trades', () => {
    assert.equal(isMarketTradingAt(ict(TUESDAY, '14:50')), true);
    assert.equal(isMarketTradingAt(ict(TUESDAY, '12:00')), false);
    assert.equal(isMarketTradingAt(ict('2026-04-18', '10:00')), false);
  });
});

describe('nextOpen and nextClose', () => {
  it('finds the afternoon open from lunch and the close from the morning', () => {
    assert.equal(nextOpen(ict(TUESDAY, '12:00'), 'hose'), ict(TUESDAY, '13:00'));
    assert.equal(nextClose(ict(TUESDAY, '10:00'), 'hose'), ict(TUESDAY, '11:30'));
    assert.equal(nextClose(ict(TUESDAY, '13:30'), 'upcom'), ict(TUESDAY, '15:00'));
  });

  it('is strictly after the given instant', () => {
    assert.equal(nextOpen(ict(TUESDAY, '09:00'), 'hose'), ict(TUESDAY, '13:00'));
    assert.equal(nextClose(ict(TUESDAY, '11:30'), 'hose'), ict(TUESDAY, '15:00'));
  });

  it('skips the weekend', () => {
    assert.equal(iso(nextOpen(at('2026-04-17T09:00:00Z'), 'hose')), '2026-04-20T02:00:00.000Z');
    assert.equal(iso(nextOpen(at('2026-04-17T23:30:00Z'), 'hnx')), '2026-04-20T02:00:00.000Z');
    assert.equal(iso(nextClose(ict('2026-04-18', '10:00'), 'upcom')), '2026-04-20T04:30:00.000Z');
  });

  it('skips holidays next to a weekend (30 April - 1 May 2026, Tet 2026)', () => {
    assert.equal(nextOpen(ict('2026-04-29', '15:00'), 'hose'), ict('2026-05-04', '09:00'));
    assert.equal(nextOpen(ict('2026-02-13', '16:00'), 'upcom'), ict('2026-02-23', '09:00'));
    assert.equal(nextOpen(ict('2026-04-24', '15:30'), 'hose'), ict('2026-04-28', '09:00'));
  });

  it('has marketwide forms', () => {
    assert.equal(nextMarketOpen(ict(TUESDAY, '08:00')), ict(TUESDAY, '09:00'));
    assert.equal(nextMarketClose(ict(TUESDAY, '14:50')), ict(TUESDAY, '15:00'));
    assert.equal(nextMarketClose(ict(TUESDAY, '10:00')), ict(TUESDAY, '11:30'));
  });
});
