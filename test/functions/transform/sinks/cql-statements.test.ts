import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allColumns } from '../../../../core/cql/schema.ts';
import { quoteFromFrame } from '../../../../core/derive/quotes.ts';
import type { TradeRow } from '../../../../core/derive/types.ts';
import { ictDate } from '../../../../core/market/ict-time.ts';
import { tradeSortKey } from '../../../../core/tables.ts';
import {
  barFromCql,
  indexFromCql,
  quoteFromCql,
  tradeFromCql,
} from '../../../../functions/transform/sinks/cql-rows.ts';
import {
  barLwtCql,
  barUpdateValues,
  insertCql,
  insertValues,
  MAX_BATCH_STATEMENTS,
  partitionBatches,
  partitionOf,
  TABLE_CODECS,
} from '../../../../functions/transform/sinks/cql-statements.ts';
import { stockFrame, T0 } from '../../../support/frames.ts';

const trade = (symbol: string, time: number, cumVolume: number, extra: Partial<TradeRow> = {}): TradeRow => ({
  symbol,
  tradingDate: ictDate(time),
  time,
  kind: 'trade',
  quantity: 100,
  cumVolume,
  sk: tradeSortKey(time, cumVolume),
  ...extra,
});

/** A driver-like row: `get(column)` from the bound values of an INSERT. */
function rowFrom(codec: (typeof TABLE_CODECS)[keyof typeof TABLE_CODECS], values: unknown[]) {
  const columns = allColumns(codec.table).map((c) => c.name);
  return { get: (name: string) => values[columns.indexOf(name)] ?? null };
}

describe('CQL statements', () => {
  it('has exactly one value getter per schema column, for every table', () => {
    for (const codec of Object.values(TABLE_CODECS)) {
      assert.deepEqual(
        Object.keys(codec.values).sort(),
        allColumns(codec.table)
          .map((c) => c.name)
          .sort(),
        codec.table.name,
      );
    }
  });

  it('builds a prepared INSERT listing every column, with USING TIMESTAMP only for quotes', () => {
    assert.equal(
      insertCql('vn_stock', TABLE_CODECS.trades.table),
      'INSERT INTO vn_stock.trades (symbol, trading_date, trade_time, cum_volume, kind, gap_start, price, quantity, value, cum_value, flags, day_high, day_low) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const quotes = insertCql('vn_stock', TABLE_CODECS.quotes.table);
    assert.match(quotes, /^INSERT INTO vn_stock\.quotes \(symbol, trading_date, quote_time, /);
    assert.match(quotes, /\) USING TIMESTAMP \?$/);
    assert.equal(quotes.split('?').length - 1, allColumns(TABLE_CODECS.quotes.table).length + 1);
    assert.throws(() => insertCql('bad-name', TABLE_CODECS.trades.table), { code: 'INVALID_KEYSPACE_NAME' });
  });

  it('binds values in column order: unset for absent trade fields, null for absent quote fields', () => {
    const values = insertValues(
      TABLE_CODECS.trades,
      trade('FPT', T0, 1500, { price: 76_400, flags: ['off-tick', 'x'], dayHigh: 77_000 }),
    );
    assert.deepEqual(values, [
      'FPT',
      '2026-04-14',
      T0,
      1500,
      'trade',
      undefined,
      76_400,
      100,
      undefined,
      undefined,
      'off-tick,x',
      77_000,
      undefined,
    ]);
    const frame = stockFrame({
      symbol: 'FPT',
      serverTime: T0,
      totalVolume: 3_733_300,
      totalValue: 286_268_130_000,
    });
    const quote = quoteFromFrame({ ...frame, averagePrice: undefined }, T0, T0 + 300);
    const bound = insertValues(TABLE_CODECS.quotes, quote);
    const columns = allColumns(TABLE_CODECS.quotes.table).map((c) => c.name);
    assert.equal(bound[columns.indexOf('average_price')], null);
    assert.equal(bound[columns.indexOf('total_value')], 286_268_130_000);
    assert.equal(bound[columns.indexOf('bid1_price')], 76_300);
    assert.equal(bound.at(-1), T0 * 1000, 'write time in microseconds');
  });

  it('reads quotes and bars back as the rows that were written', () => {
    const frame = stockFrame({
      symbol: 'FPT',
      serverTime: T0,
      totalVolume: 3_733_300,
      totalValue: 286_268_130_000,
    });
    const checkpoint = {
      version: 7,
      date: '2026-04-14',
      volume: 3_733_300,
      value: 286_268_130_000,
      clock: T0,
      lost: true,
    };
    const quote = { ...quoteFromFrame(frame, T0, T0 + 300), checkpoint };
    assert.deepEqual(
      quoteFromCql(rowFrom(TABLE_CODECS.quotes, insertValues(TABLE_CODECS.quotes, quote))),
      quote,
    );
    const bar = {
      symbol: 'FPT',
      tradingDate: '2026-04-14',
      minute: '09:30',
      start: T0,
      open: 1,
      high: 3,
      low: 1,
      close: 2,
      volume: 300,
      value: 600,
      trades: 3,
      otherVolume: 1200,
      lastTrade: tradeSortKey(T0 + 5, 300),
    };
    assert.deepEqual(barFromCql(rowFrom(TABLE_CODECS.bars, insertValues(TABLE_CODECS.bars, bar))), bar);
  });

  it('reads trades of every kind and index rows back as written', () => {
    const rows: TradeRow[] = [
      trade('FPT', T0, 1500, {
        price: 76_400,
        value: 7_640_000,
        cumValue: 114_600_000,
        flags: ['off-tick', 'x'],
      }),
      trade('FPT', T0 + 9, 1200, { kind: 'correction', quantity: -300 }),
      trade('FPT', T0 + 20, 2000, { kind: 'gap', gapStart: T0 + 9, quantity: 800 }),
    ];
    for (const row of rows)
      assert.deepEqual(
        tradeFromCql(rowFrom(TABLE_CODECS.trades, insertValues(TABLE_CODECS.trades, row))),
        row,
      );
    const index = {
      indexId: 'VNINDEX',
      tradingDate: '2026-04-14',
      time: T0,
      value: 1250.5,
      advances: 200,
      declines: 150,
      unchanged: 50,
      ceilingCount: 7,
      floorCount: 3,
      allVolume: 900_000_000,
      allValue: 21_000_000_000_000,
      open: 1240,
      high: 1260.25,
      low: 1238,
    };
    assert.deepEqual(
      indexFromCql(rowFrom(TABLE_CODECS.indices, insertValues(TABLE_CODECS.indices, index))),
      index,
    );
  });

  it('moves a bar forward only: INSERT IF NOT EXISTS, or UPDATE IF the stored watermark is not newer', () => {
    const cql = barLwtCql('vn_stock');
    assert.match(cql.insert, /^INSERT INTO vn_stock\.bars \(.*\) IF NOT EXISTS$/);
    assert.match(
      cql.update,
      /^UPDATE vn_stock\.bars SET minute = \?, .*last_trade = \? WHERE symbol = \? AND trading_date = \? AND bar_start = \? IF last_trade <= \?$/,
    );
    const bar = {
      symbol: 'FPT',
      tradingDate: '2026-04-14',
      minute: '09:30',
      start: T0,
      volume: 1,
      value: 0,
      trades: 1,
      lastTrade: 'L',
    };
    const values = barUpdateValues(bar);
    assert.equal(values.length, cql.update.split('?').length - 1);
    assert.deepEqual(values.slice(-4), ['FPT', '2026-04-14', T0, 'L']);
  });

  it('batches rows only within one partition, at most 30 statements a batch, order kept', () => {
    const rows: TradeRow[] = [];
    for (let i = 0; i < 70; i++) rows.push(trade(i % 3 === 0 ? 'VCB' : 'FPT', T0 + i, 1000 + i));
    rows.push(trade('FPT', T0 + 86_400_000, 5));
    const batches = partitionBatches(TABLE_CODECS.trades, rows);
    for (const batch of batches) {
      assert.ok(batch.length <= MAX_BATCH_STATEMENTS);
      assert.equal(new Set(batch.map((r) => partitionOf(TABLE_CODECS.trades, r))).size, 1);
    }
    assert.deepEqual(
      batches.map((b) => b.length),
      [24, 30, 16, 1],
    );
    assert.deepEqual(batches.flat().length, rows.length);
    const fpt = batches.flat().filter((r) => r.symbol === 'FPT' && r.tradingDate === '2026-04-14');
    assert.deepEqual(
      fpt.map((r) => r.time),
      rows.filter((r) => r.symbol === 'FPT' && r.tradingDate === '2026-04-14').map((r) => r.time),
    );
  });
});
