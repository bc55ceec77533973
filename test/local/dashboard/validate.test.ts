import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardInputError } from '../../../local/dashboard/errors.ts';
import { SymbolCatalog } from '../../../local/dashboard/symbol-catalog.ts';
import { listedSymbols } from '../../../local/dashboard/symbol-source.ts';
import {
  parseDate,
  parseLimit,
  parseMinuteRange,
  parseQuery,
  parseSymbol,
} from '../../../local/dashboard/validate.ts';

const catalog = new SymbolCatalog(listedSymbols());

function inputError(code: string, reason?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DashboardInputError, `expected a DashboardInputError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, 400);
    if (reason) assert.match(error.reason, reason);
    return true;
  };
}

describe('parseSymbol', () => {
  it('accepts a listed symbol in any case and trims it', () => {
    assert.equal(parseSymbol(' fpt ', catalog), 'FPT');
    assert.equal(parseSymbol('VCB', catalog), 'VCB');
  });

  it('rejects an unknown symbol naming close matches, the transposition first', () => {
    assert.throws(
      () => parseSymbol('FTP', catalog),
      inputError('UNKNOWN_SYMBOL', /unknown symbol FTP; did you mean FPT/),
    );
    assert.throws(
      () => parseSymbol('VCBB', catalog),
      (error: DashboardInputError) => {
        const body = error.toBody();
        assert.equal(body.error, 'UNKNOWN_SYMBOL');
        assert.equal(body.symbol, 'VCBB');
        assert.equal((body.suggestions as string[])[0], 'VCB');
        return true;
      },
    );
  });

  it('says so when nothing is close', () => {
    assert.throws(
      () => parseSymbol('QQQQQQQQQ', catalog),
      inputError('UNKNOWN_SYMBOL', /^unknown symbol QQQQQQQQQ$/),
    );
  });

  it('rejects empty and malformed symbols before looking them up', () => {
    assert.throws(() => parseSymbol('', catalog), inputError('BAD_SYMBOL', /required/));
    assert.throws(() => parseSymbol(null, catalog), inputError('BAD_SYMBOL'));
    assert.throws(() => parseSymbol('FPT;DROP', catalog), inputError('BAD_SYMBOL', /letters or digits/));
    assert.throws(() => parseSymbol('A'.repeat(21), catalog), inputError('BAD_SYMBOL'));
  });

  it('accepts a symbol added from the quotes table', () => {
    const local = new SymbolCatalog([{ symbol: 'FPT', exchange: 'hose' }]);
    assert.throws(() => parseSymbol('NEW1', local), inputError('UNKNOWN_SYMBOL'));
    local.add([{ symbol: 'NEW1' }]);
    assert.equal(parseSymbol('new1', local), 'NEW1');
  });
});

describe('parseDate', () => {
  it('returns undefined when absent and the date when real', () => {
    assert.equal(parseDate(null), undefined);
    assert.equal(parseDate(''), undefined);
    assert.equal(parseDate('2026-04-14'), '2026-04-14');
    assert.equal(parseDate('2024-02-29'), '2024-02-29');
  });

  it('rejects malformed and impossible dates', () => {
    for (const bad of ['2026-4-14', '14/04/2026', '2026-02-30', '2025-02-29', '2026-13-01', 'today']) {
      assert.throws(() => parseDate(bad), inputError('BAD_DATE', /not a real YYYY-MM-DD date/), bad);
    }
  });
});

describe('parseMinuteRange', () => {
  it('defaults to the whole day', () => {
    assert.deepEqual(parseMinuteRange(null, null), { from: '00:00', to: '23:59' });
    assert.deepEqual(parseMinuteRange('09:15', null), { from: '09:15', to: '23:59' });
  });

  it('accepts an ordered range, including a single minute', () => {
    assert.deepEqual(parseMinuteRange('09:15', '11:30'), { from: '09:15', to: '11:30' });
    assert.deepEqual(parseMinuteRange('10:00', '10:00'), { from: '10:00', to: '10:00' });
  });

  it('rejects a malformed time, naming the parameter', () => {
    assert.throws(() => parseMinuteRange('9:15', null), inputError('BAD_TIME', /^from "9:15"/));
    assert.throws(() => parseMinuteRange(null, '24:00'), inputError('BAD_TIME', /^to "24:00"/));
    assert.throws(() => parseMinuteRange('09:60', null), inputError('BAD_TIME'));
  });

  it('rejects a reversed range', () => {
    assert.throws(
      () => parseMinuteRange('11:30', '09:15'),
      inputError('BAD_RANGE', /from 11:30 is after to 09:15/),
    );
  });
});

describe('parseLimit', () => {
  const options = { fallback: 50, max: 1000 };

  it('uses the fallback when absent and parses whole numbers in range', () => {
    assert.equal(parseLimit(null, options), 50);
    assert.equal(parseLimit('1', options), 1);
    assert.equal(parseLimit('1000', options), 1000);
  });

  it('rejects zero, negatives, fractions, words and values over the maximum', () => {
    for (const bad of ['0', '-5', '2.5', 'ten', '1001', '1e3', ' 7']) {
      assert.throws(() => parseLimit(bad, options), inputError('BAD_LIMIT', /from 1 to 1000/), bad);
    }
  });

  it('names the parameter it checks', () => {
    assert.throws(
      () => parseLimit('0', { fallback: 10, max: 50, name: 'top' }),
      inputError('BAD_LIMIT', /^top "0"/),
    );
  });
});

describe('parseQuery', () => {
  it('accepts up to 20 letters or digits, empty included', () => {
    assert.equal(parseQuery(null), '');
    assert.equal(parseQuery(' fp '), 'fp');
  });

  it('rejects other characters and long queries', () => {
    assert.throws(() => parseQuery('F%'), inputError('BAD_QUERY'));
    assert.throws(() => parseQuery('A'.repeat(21)), inputError('BAD_QUERY'));
  });
});

describe('SymbolCatalog.search', () => {
  it('ranks the exact symbol, then prefixes, then substrings', () => {
    const local = new SymbolCatalog(['FPT', 'AFP', 'FPTS', 'FP1', 'VCB'].map((symbol) => ({ symbol })));
    assert.deepEqual(
      local.search('fp').map((e) => e.symbol),
      ['FP1', 'FPT', 'FPTS', 'AFP'],
    );
    assert.deepEqual(
      local.search('FPT').map((e) => e.symbol),
      ['FPT', 'FPTS'],
    );
    assert.equal(local.search('', 2).length, 2);
  });

  it('keeps the exchange of a listed symbol when the quotes table adds it again', () => {
    const local = new SymbolCatalog([{ symbol: 'FPT', exchange: 'hose' }]);
    local.add([{ symbol: 'FPT' }, { symbol: 'XYZ', exchange: 'upcom' }]);
    assert.equal(local.get('FPT')?.exchange, 'hose');
    assert.equal(local.size, 2);
  });
});
