import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../core/errors.ts';
import {
  readSessionControlConfig,
  type SessionControlConfigError,
} from '../../../functions/session-control/config.ts';

describe('readSessionControlConfig', () => {
  it('requires CONTROL_TABLE and takes the ECS pair together', () => {
    assert.deepEqual(readSessionControlConfig({ CONTROL_TABLE: 'c' }), { controlTable: 'c' });
    assert.deepEqual(readSessionControlConfig({ CONTROL_TABLE: 'c', ECS_CLUSTER: 'k', ECS_SERVICE: 's' }), {
      controlTable: 'c',
      ecs: { cluster: 'k', service: 's' },
    });
    assert.throws(
      () => readSessionControlConfig({}),
      (e: SessionControlConfigError) => e.variable === 'CONTROL_TABLE',
    );
    assert.throws(
      () => readSessionControlConfig({ CONTROL_TABLE: 'c', ECS_CLUSTER: 'k' }),
      (e: SessionControlConfigError) =>
        e.variable === 'ECS_SERVICE' && e.code === 'SESSION_CONTROL_CONFIG_INVALID',
    );
  });

  it('keeps its message and is a configuration error', () => {
    assert.throws(() => readSessionControlConfig({ CONTROL_TABLE: ' ' }), {
      name: 'SessionControlConfigError',
      message: 'CONTROL_TABLE: required (the control table name)',
      setting: 'CONTROL_TABLE',
    });
    assert.throws(
      () => readSessionControlConfig({ CONTROL_TABLE: 'c', ECS_SERVICE: 's' }),
      (e) => e instanceof ConfigurationError && (e as SessionControlConfigError).variable === 'ECS_CLUSTER',
    );
  });

  it('makes the deployed handler fail on its first call, naming the missing variable', async () => {
    delete process.env.CONTROL_TABLE;
    // The module reads its settings when it loads: the import itself succeeds.
    const { handler } = await import('../../../functions/session-control.ts');
    await assert.rejects(handler({ action: 'check' }), {
      name: 'SessionControlConfigError',
      variable: 'CONTROL_TABLE',
    });
  });
});
