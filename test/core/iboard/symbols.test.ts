import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allSymbols,
  createSymbolTable,
  editDistance,
  exchangeOf,
  InvalidSymbolSpecError,
  resolveSymbols,
  stockIdOf,
  symbolOfStockId,
  symbolsOf,
  UnknownSymbolError,
} from '../../../core/iboard/symbols.ts';

describe('symbol list', () => {
  it('holds the 2023 list: 416 HOSE, 397 HNX, 857 UPCoM, 10 derivatives', () => {
    assert.equal(allSymbols().length, 1680);
    assert.deepEqual(
      [symbolsOf('hose').length, symbolsOf('hnx').length, symbolsOf('upcom').length, symbolsOf('fu').length],
      [416, 397, 857, 10],
    );
  });

  it('maps symbols to V1 stock ids and back', () => {
    assert.equal(stockIdOf('FPT'), 'hose:974');
    assert.equal(stockIdOf('HPG'), 'hose:1354');
    assert.equal(stockIdOf('hpg'), 'hose:1354');
    assert.equal(symbolOfStockId('hose:1354'), 'HPG');
    assert.equal(symbolOfStockId('hose:0'), undefined);
    assert.equal(exchangeOf('FPT'), 'hose');
    assert.equal(exchangeOf('VN30F2304'), 'fu');
  });

  it('returns copies that callers cannot corrupt', () => {
    symbolsOf('hose').length = 0;
    allSymbols().pop();
    assert.equal(symbolsOf('hose').length, 416);
    assert.equal(allSymbols().length, 1680);
  });
});

describe('resolveSymbols', () => {
  it('resolves ALL, exchange names (any case) and comma lists, without duplicates', () => {
    assert.equal(resolveSymbols('ALL').length, 1680);
    assert.deepEqual(resolveSymbols('hose'), symbolsOf('hose'));
    assert.equal(resolveSymbols('HNX,Upcom').length, 397 + 857);
    assert.deepEqual(resolveSymbols(' fpt, VCB ,,FPT'), ['FPT', 'VCB']);
    assert.equal(resolveSymbols('HOSE,FPT').length, 416);
  });

  it('throws UnknownSymbolError naming up to 3 close matches', () => {
    assert.throws(
      () => resolveSymbols('VCB,FTP'),
      (error: unknown) =>
        error instanceof UnknownSymbolError &&
        error.code === 'UNKNOWN_SYMBOL' &&
        error.symbol === 'FTP' &&
        error.suggestions.length === 3 &&
        error.suggestions[0] === 'FPT' &&
        /unknown symbol "FTP" \(did you mean FPT, /.test(error.message),
    );
    assert.throws(() => stockIdOf('ZZZZZZZ'), /unknown symbol "ZZZZZZZ" \(no close match\)/);
  });

  it('refuses a spec that names nothing', () => {
    assert.throws(() => resolveSymbols(' , '), InvalidSymbolSpecError);
  });

  it('works over any map (a refreshed list)', () => {
    const table = createSymbolTable({ AAA: 'hose:1', BBB: 'hnx:2' });
    assert.deepEqual(table.resolveSymbols('all'), ['AAA', 'BBB']);
    assert.deepEqual(table.symbolsOf('hnx'), ['BBB']);
    assert.deepEqual(table.closeMatches('AAB'), ['AAA', 'BBB']);
    assert.deepEqual(table.closeMatches('XYZ'), []);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
    assert.equal(editDistance('FPT', 'FPT'), 0);
    assert.equal(editDistance('FTP', 'FPT'), 1);
    assert.equal(editDistance('FPT', 'FPTS'), 1);
    assert.equal(editDistance('FPT', 'HPT'), 1);
    assert.equal(editDistance('ABC', 'XYZ'), 3);
    assert.equal(editDistance('', 'ABC'), 3);
  });
});
