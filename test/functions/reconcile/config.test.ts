import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../core/errors.ts';
import { UnknownSymbolError } from '../../../core/iboard/symbols.ts';
import {
  ReconcileConfigError,
  readReconcileConfig,
  snapshotUrlOf,
} from '../../../functions/reconcile/config.ts';
import { DEFAULT_SNAPSHOT_URL } from '../../../ingest-task/snapshot-client.ts';

const TABLES = { TRADES_TABLE: 't', CONTROL_TABLE: 'c' };

describe('readReconcileConfig', () => {
  it('reads the tables and resolves SYMBOLS as the ingest task does (ALL when unset)', () => {
    const all = readReconcileConfig(TABLES);
    assert.equal(all.tradesTable, 't');
    assert.equal(all.controlTable, 'c');
    assert.ok(all.symbols.length > 1000, `ALL resolved to ${all.symbols.length} symbols`);
    assert.deepEqual(readReconcileConfig({ ...TABLES, SYMBOLS: ' FPT,VNM ' }).symbols, ['FPT', 'VNM']);
  });

  it('fails naming the missing variable, with its message unchanged', () => {
    assert.throws(() => readReconcileConfig({ CONTROL_TABLE: 'c', TRADES_TABLE: '  ' }), {
      name: 'ReconcileConfigError',
      code: 'RECONCILE_CONFIG_INVALID',
      message: 'TRADES_TABLE is required',
      setting: 'TRADES_TABLE',
    });
    assert.throws(
      () => readReconcileConfig({ TRADES_TABLE: 't' }),
      (e) =>
        e instanceof ReconcileConfigError && e instanceof ConfigurationError && e.setting === 'CONTROL_TABLE',
    );
    assert.throws(() => readReconcileConfig({ ...TABLES, SYMBOLS: 'FTP' }), UnknownSymbolError);
  });

  it('reads SNAPSHOT_URL, iboard by default', () => {
    assert.equal(snapshotUrlOf({}), DEFAULT_SNAPSHOT_URL);
    assert.equal(snapshotUrlOf({ SNAPSHOT_URL: ' http://127.0.0.1:9/x ' }), 'http://127.0.0.1:9/x');
  });

  it('makes the deployed handler fail on its first call, naming the missing variable', async () => {
    delete process.env.TRADES_TABLE;
    const { handler } = await import('../../../functions/reconcile.ts');
    await assert.rejects(handler({ tradingDate: '2026-04-14' }), {
      name: 'ReconcileConfigError',
      message: 'TRADES_TABLE is required',
    });
  });
});
