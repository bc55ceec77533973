import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTradingDay } from '../../../core/market/calendar.ts';
import {
  BUNDLED_HOLIDAYS,
  HolidayFileError,
  loadHolidays,
  parseHolidays,
} from '../../../core/market/holidays.ts';
import { dateToDayNumber, dayOfWeek } from '../../../core/market/ict-time.ts';

function withFile(content: string, run: (path: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
  try {
    const path = join(dir, 'extra.json');
    writeFileSync(path, content);
    run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bundled holidays', () => {
  it('lists 2026 and 2027 closures on weekdays only', () => {
    const years = new Set(BUNDLED_HOLIDAYS.map((h) => h.date.slice(0, 4)));
    assert.deepEqual([...years].sort(), ['2026', '2027']);
    for (const h of BUNDLED_HOLIDAYS) {
      const weekday = dayOfWeek(dateToDayNumber(h.date));
      assert.ok(weekday >= 1 && weekday <= 5, `${h.date} is a weekend day`);
    }
  });

  it('includes Tet, Hung Kings, 30/4, 1/5 and National Day of both years', () => {
    const dates = new Set(BUNDLED_HOLIDAYS.map((h) => h.date));
    for (const date of ['2026-02-17', '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-02', '2026-09-01']) {
      assert.ok(dates.has(date), date);
    }
    for (const date of [
      '2027-01-01',
      '2027-02-05',
      '2027-02-08',
      '2027-04-16',
      '2027-04-30',
      '2027-05-03',
      '2027-09-02',
    ]) {
      assert.ok(dates.has(date), date);
    }
  });
});

describe('loadHolidays', () => {
  it('merges dates from HOLIDAYS_FILE in every accepted shape', () => {
    const shapes = [
      '["2028-01-03"]',
      '[{ "date": "2028-01-03", "name": "New Year (observed)" }]',
      '{ "years": { "2028": { "days": [{ "date": "2028-01-03", "name": "x" }] } } }',
    ];
    for (const shape of shapes) {
      withFile(shape, (path) => {
        const holidays = loadHolidays({ HOLIDAYS_FILE: path });
        assert.ok(holidays.has('2028-01-03'), shape);
        assert.ok(holidays.has('2026-02-17'), 'bundled dates kept');
        assert.equal(isTradingDay('2028-01-03', { holidays }), false);
        assert.equal(isTradingDay('2028-01-04', { holidays }), true);
      });
    }
  });

  it('returns the bundled set when HOLIDAYS_FILE is unset', () => {
    assert.equal(loadHolidays({}).size, new Set(BUNDLED_HOLIDAYS.map((h) => h.date)).size);
  });

  it('fails naming the variable on a missing or malformed file', () => {
    assert.throws(
      () => loadHolidays({ HOLIDAYS_FILE: '/nonexistent/holidays.json' }),
      (error: unknown) => {
        assert.ok(error instanceof HolidayFileError);
        assert.equal(error.code, 'HOLIDAY_FILE_INVALID');
        assert.match(error.message, /HOLIDAYS_FILE/);
        return true;
      },
    );
    withFile('["2028-02-30"]', (path) => {
      assert.throws(() => loadHolidays({ HOLIDAYS_FILE: path }), HolidayFileError);
    });
    withFile('{"dates": []}', (path) => {
      assert.throws(() => loadHolidays({ HOLIDAYS_FILE: path }), HolidayFileError);
    });
  });

  it('parses entries without names', () => {
    assert.deepEqual(parseHolidays(['2028-01-03']), [{ date: '2028-01-03', name: 'holiday' }]);
  });
});
