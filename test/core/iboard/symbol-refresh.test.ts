import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatSymbolFile,
  SymbolRefreshError,
  symbolMapFromAllStocks,
  validateSymbolRefresh,
} from '../../../core/iboard/symbol-refresh.ts';

const answer = (data: unknown[]) => ({ code: 'SUCCESS', data });
const fpt = { code: 'FPT', stockNo: 'hose:974', exchange: 'HOSE', type: 's' };
const shs = { code: 'SHS', stockNo: 'hnx:2', exchange: 'HNX', type: 's' };

describe('symbolMapFromAllStocks', () => {
  it('maps code to stockNo and skips entries without a stock id', () => {
    const map = symbolMapFromAllStocks(
      answer([fpt, shs, { code: 'VNINDEX', stockNo: '', exchange: 'HOSE' }]),
    );
    assert.deepEqual(map, { FPT: 'hose:974', SHS: 'hnx:2' });
  });

  it('refuses an answer without data[] or with malformed entries', () => {
    assert.throws(() => symbolMapFromAllStocks({ error: 'x' }), /no data\[\]/);
    assert.throws(() => symbolMapFromAllStocks(null), SymbolRefreshError);
    const bad = [
      { ...fpt, code: 'fp t' },
      { ...fpt, stockNo: 'nyse:1' },
      { ...fpt, exchange: '' },
      { ...fpt, exchange: 'HNX' },
      'x',
    ];
    for (const entry of bad) {
      assert.throws(
        () => symbolMapFromAllStocks(answer([shs, entry])),
        SymbolRefreshError,
        JSON.stringify(entry),
      );
    }
    assert.throws(() => symbolMapFromAllStocks(answer([fpt, { ...fpt, stockNo: 'hose:1' }])), /listed twice/);
  });
});

describe('validateSymbolRefresh', () => {
  const current = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`S${i}A`, `hose:${i}`]));

  it('accepts a list that grows or shrinks by up to 20%, reporting the difference', () => {
    const next: Record<string, string> = { ...current, NEW: 'upcom:1', S0A: 'hose:999' };
    delete next.S1A;
    const diff = validateSymbolRefresh(next, current);
    assert.deepEqual(diff, { added: ['NEW'], removed: ['S1A'], changed: ['S0A'], count: 100 });
    const smaller = Object.fromEntries(Object.entries(current).slice(0, 80));
    assert.equal(validateSymbolRefresh(smaller, current).count, 80);
  });

  it('refuses an empty list, even with force', () => {
    assert.throws(() => validateSymbolRefresh({}, current, { force: true }), /empty/);
  });

  it('refuses to shrink by more than 20% unless forced', () => {
    const smaller = Object.fromEntries(Object.entries(current).slice(0, 79));
    assert.throws(() => validateSymbolRefresh(smaller, current), /shrink from 100 to 79.*--force/);
    assert.equal(validateSymbolRefresh(smaller, current, { force: true }).count, 79);
  });

  it('refuses malformed symbols or ids', () => {
    assert.throws(() => validateSymbolRefresh({ ...current, 'B|D': 'hose:1' }, current), SymbolRefreshError);
    assert.throws(() => validateSymbolRefresh({ ...current, ABC: 'hose' }, current), SymbolRefreshError);
  });

  it('writes the file sorted with a 4-space indent', () => {
    assert.equal(
      formatSymbolFile({ B: 'hnx:2', A: 'hose:1' }),
      '{\n    "A": "hose:1",\n    "B": "hnx:2"\n}\n',
    );
  });
});
