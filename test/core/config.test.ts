import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Env, rawSetting, readAtInit, settingsOf } from '../../core/config.ts';
import { ConfigurationError } from '../../core/errors.ts';

class TestSettingError extends ConfigurationError {
  readonly code = 'TEST_SETTING';
  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(setting, `${setting}: ${problem}`, options);
    this.name = 'TestSettingError';
  }
}

const settings = (env: Env) => settingsOf(env, TestSettingError);
const failure = (read: () => unknown): TestSettingError => {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof TestSettingError, `expected the entry point's error, got ${error}`);
    return error;
  }
  assert.fail('expected a TestSettingError');
};

describe('settingsOf', () => {
  it('trims, and treats blank as unset', () => {
    const s = settings({ A: '  x ', B: '   ' });
    assert.equal(s.raw('A'), 'x');
    assert.equal(s.raw('B'), undefined);
    assert.equal(s.raw('C'), undefined);
    assert.equal(s.required('A'), 'x');
    assert.equal(rawSetting({ A: ' x ' }, 'A'), 'x');
    assert.equal(rawSetting({ A: ' ' }, 'A'), undefined);
  });

  it("throws the entry point's error naming the variable, with the problem it was given", () => {
    const error = failure(() => settings({ B: ' ' }).required('B'));
    assert.equal(error.setting, 'B');
    assert.equal(error.message, 'B: is required');
    assert.equal(
      failure(() => settings({}).required('T', 'is required but not set')).message,
      'T: is required but not set',
    );
    assert.equal(failure(() => settings({}).fail('X', 'no good')).message, 'X: no good');
  });

  it('reads numbers within their rule, the default when unset', () => {
    const rule = { default: 200, min: 1, max: 10_000, integer: true };
    assert.equal(settings({}).number('N', rule), 200);
    assert.equal(settings({ N: ' 42 ' }).number('N', rule), 42);
    assert.equal(settings({ N: '0.5' }).number('N', { ...rule, integer: false, min: 0 }), 0.5);
    for (const bad of ['0', '10001', '1.5', 'soon', 'Infinity']) {
      const error = failure(() => settings({ N: bad }).number('N', rule));
      assert.equal(error.message, `N: must be an integer from 1 to 10000, got "${bad}"`);
    }
  });

  it('reads a choice case-insensitively, the fallback when unset', () => {
    const modes = ['control', 'always'] as const;
    assert.equal(settings({}).choice('M', modes, 'control'), 'control');
    assert.equal(settings({ M: 'ALWAYS' }).choice('M', modes, 'control'), 'always');
    assert.equal(
      failure(() => settings({ M: 'never' }).choice('M', modes, 'control')).message,
      'M: must be one of control, always, got "never"',
    );
  });

  it('reads URLs of the given schemes, carrying the parse error as cause', () => {
    assert.equal(settings({}).url('U', ['ws:', 'wss:'], 'wss://a/b'), 'wss://a/b');
    assert.equal(settings({}).url('U', ['ws:']), undefined);
    assert.equal(settings({ U: 'ws://h:1/x' }).url('U', ['ws:', 'wss:']), 'ws://h:1/x');
    const invalid = failure(() => settings({ U: 'not a url' }).url('U', ['ws:']));
    assert.equal(invalid.message, 'U: is not a valid URL: "not a url"');
    assert.ok(invalid.cause instanceof TypeError, `cause ${invalid.cause}`);
    assert.equal(
      failure(() => settings({ U: 'http://h' }).url('U', ['ws:', 'wss:'])).message,
      'U: must be a ws:// or wss:// URL, got "http://h"',
    );
  });

  it('reads instants as epoch ms or ISO date-times, and comma lists', () => {
    assert.equal(settings({ T: '1776131700000' }).time('T'), 1776131700000);
    assert.equal(settings({ T: '2026-04-14T01:55:00Z' }).time('T'), Date.parse('2026-04-14T01:55:00Z'));
    assert.equal(settings({}).time('T'), undefined);
    assert.match(failure(() => settings({ T: 'tuesday' }).time('T')).message, /^T: must be epoch ms/);
    assert.deepEqual(settings({ L: ' a, ,b ,' }).list('L'), ['a', 'b']);
    assert.equal(settings({}).list('L'), undefined);
  });
});

describe('readAtInit', () => {
  it('reads once and hands the same value to every call', () => {
    let reads = 0;
    const config = readAtInit(() => ({ n: ++reads }));
    assert.equal(config(), config());
    assert.equal(reads, 1);
  });

  it('does not throw itself; every call throws the error the read threw', () => {
    let reads = 0;
    const config = readAtInit(() => {
      reads++;
      return settings({}).required('CONTROL_TABLE');
    });
    for (let i = 0; i < 2; i++) assert.throws(config, { name: 'TestSettingError', setting: 'CONTROL_TABLE' });
    assert.equal(reads, 1);
  });
});
