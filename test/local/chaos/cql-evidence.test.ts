import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cqlEqualsDynamo } from '../../../local/chaos/cql-evidence.ts';
import type { TableRows } from '../../../local/chaos/evidence.ts';

const tables = (trades: TableRows['trades']): TableRows => ({
  trades,
  quotes: [{ pk: 'FPT', symbol: 'FPT', time: 1, bids: [{ price: 1, volume: 2 }, {}], offers: [] }],
  bars: [],
  indices: [],
  rejects: [],
});
const trade = { pk: 'FPT#2026-04-14', sk: 'a', symbol: 'FPT', quantity: 100, kind: 'trade' };

describe('cqlEqualsDynamo', () => {
  it('passes when both stores hold the same rows, field order and absent fields aside', () => {
    const cql = tables([
      { kind: 'trade', quantity: 100, symbol: 'FPT', sk: 'a', pk: 'FPT#2026-04-14', price: undefined },
    ]);
    const result = cqlEqualsDynamo(tables([trade]), cql);
    assert.equal(result.ok, true, result.violations.join('\n'));
  });

  it('names a row missing from either store and a field that differs', () => {
    const result = cqlEqualsDynamo(
      tables([trade, { ...trade, sk: 'b' }]),
      tables([
        { ...trade, quantity: 99 },
        { ...trade, sk: 'c' },
      ]),
    );
    assert.equal(result.ok, false);
    assert.equal(result.violations.length, 3);
    assert.match(
      result.violations[0],
      /trades FPT#2026-04-14\|a: DynamoDB .*"quantity":100.* ≠ CQL .*"quantity":99/,
    );
    assert.match(result.violations[1], /trades FPT#2026-04-14\|b: in DynamoDB, not in CQL/);
    assert.match(result.violations[2], /trades FPT#2026-04-14\|c: in CQL, not in DynamoDB/);
  });
});
