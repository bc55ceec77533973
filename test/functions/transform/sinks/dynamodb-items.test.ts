import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteFromFrame } from '../../../../core/derive/quotes.ts';
import { tradeSortKey } from '../../../../core/tables.ts';
import {
  barFromItem,
  barItem,
  quoteFromItem,
  quoteItem,
  tradeItem,
  writeUnitsOf,
} from '../../../../functions/transform/sinks/dynamodb-items.ts';
import { isTransient } from '../../../../functions/transform/sinks/transient.ts';
import { stockFrame, T0 } from '../../../support/frames.ts';

describe('DynamoDB items', () => {
  it('keys trades by symbol and ICT day, sorted by time and cumulative volume', () => {
    const item = tradeItem({
      symbol: 'FPT',
      tradingDate: '2026-04-14',
      time: T0,
      kind: 'trade',
      price: 76_400,
      quantity: 100,
      cumVolume: 3_733_300,
      value: 7_640_000,
      sk: tradeSortKey(T0, 3_733_300),
    });
    assert.deepEqual(item.pk, { S: 'FPT#2026-04-14' });
    assert.deepEqual(item.sk, { S: '1776133800000#000000003733300' });
    assert.deepEqual(item.quantity, { N: '100' });
    assert.equal(item.cumValue, undefined, 'absent fields are left out');
  });

  it('round-trips quotes (book as lists of maps) and bars', () => {
    const frame = stockFrame({
      symbol: 'FPT',
      serverTime: T0,
      totalVolume: 3_733_300,
      totalValue: 286_268_130_000,
    });
    const quote = quoteFromFrame(frame, T0, T0 + 300);
    const item = quoteItem(quote);
    assert.deepEqual(item.pk, { S: 'FPT' });
    assert.equal(item.sk, undefined);
    assert.deepEqual(quoteFromItem(item), quote);
    const bar = {
      symbol: 'FPT',
      tradingDate: '2026-04-14',
      minute: '09:30',
      start: T0,
      volume: 1,
      value: 2,
      trades: 1,
      lastTrade: 'x',
    };
    const barAsItem = barItem(bar);
    assert.deepEqual([barAsItem.pk, barAsItem.sk], [{ S: 'FPT#2026-04-14' }, { S: '09:30' }]);
    assert.deepEqual(barFromItem(barAsItem), bar);
  });

  it('counts one write unit per started KB of item', () => {
    const frame = stockFrame({
      symbol: 'FPT',
      serverTime: T0,
      totalVolume: 3_733_300,
      totalValue: 286_268_130_000,
    });
    assert.equal(writeUnitsOf(quoteItem(quoteFromFrame(frame, T0, T0))), 1);
    assert.equal(writeUnitsOf({ pk: { S: 'x' }, raw: { S: 'a'.repeat(1500) } }), 2);
  });
});

describe('isTransient', () => {
  it('retries throttling, 5xx, timeouts, dropped sockets and CQL timeouts, not client errors', () => {
    assert.equal(isTransient({ name: 'ThrottlingException' }), true);
    assert.equal(isTransient({ name: 'X', $metadata: { httpStatusCode: 503 } }), true);
    assert.equal(isTransient({ name: 'X', code: 'ECONNRESET' }), true);
    assert.equal(isTransient({ name: 'ResponseError', code: 0x1100 }), true);
    assert.equal(isTransient(new Error('wrapped', { cause: { name: 'TimeoutError' } })), true);
    assert.equal(isTransient({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }), false);
    assert.equal(isTransient({ name: 'ResourceNotFoundException' }), false);
    assert.equal(isTransient(undefined), false);
  });
});
