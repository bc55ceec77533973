import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, clockOf, DEFAULT_URLS, loadConfig } from '../../ingest-task/config.ts';

const BASE = { STREAM_NAME: 'frames', AWS_REGION: 'ap-southeast-1', INGEST_MODE: 'always' };

function settingOf(env: Record<string, string>): { setting: string; message: string } {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.ok(error.message.startsWith(`${error.setting}: `), error.message);
    return { setting: error.setting, message: error.message };
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults: auto (V2 first, then MQTT), the whole market, 200 ms linger, port 8080', () => {
    const config = loadConfig(BASE);
    assert.equal(config.protocol, 'auto');
    assert.equal(config.iboardUrl, DEFAULT_URLS.v2);
    assert.equal(config.mqttUrl, DEFAULT_URLS.mqtt);
    assert.ok(config.symbols.length > 1500, `ALL resolved to ${config.symbols.length} symbols`);
    assert.ok(config.symbols.includes('FPT'));
    assert.equal(config.indices.length, 6);
    assert.equal(config.lingerMs, 200);
    assert.equal(config.metricsPort, 8080);
    assert.equal(config.drainDeadlineMs, 25_000);
    assert.equal(config.mode, 'always');
    assert.equal(config.emf, false);
    assert.equal(config.clock, undefined);
  });

  it('reads the REST fallback settings: 120 s silence, 5 s polls, the live snapshot host by default', () => {
    const defaults = loadConfig(BASE);
    assert.equal(defaults.fallbackAfterMs, 120_000);
    assert.equal(defaults.pollMs, 5_000);
    assert.equal(defaults.snapshotUrl, 'https://iboard-query.ssi.com.vn');
    const set = loadConfig({
      ...BASE,
      FALLBACK_AFTER_SECONDS: '0',
      POLL_SECONDS: '2.5',
      SNAPSHOT_URL: 'http://127.0.0.1:9/',
    });
    assert.deepEqual([set.fallbackAfterMs, set.pollMs, set.snapshotUrl], [0, 2_500, 'http://127.0.0.1:9/']);
    assert.equal(settingOf({ ...BASE, POLL_SECONDS: '0' }).setting, 'POLL_SECONDS');
    assert.equal(settingOf({ ...BASE, FALLBACK_AFTER_SECONDS: '-1' }).setting, 'FALLBACK_AFTER_SECONDS');
    assert.match(settingOf({ ...BASE, SNAPSHOT_URL: 'ws://x' }).message, /^SNAPSHOT_URL: must be a http/);
  });

  it('selects the experimental MQTT transport and its endpoint', () => {
    const config = loadConfig({ ...BASE, IBOARD_PROTOCOL: 'mqtt' });
    assert.equal(config.protocol, 'mqtt');
    assert.equal(config.iboardUrl, 'wss://price-streaming.ssi.com.vn/mqtt');
  });

  it('takes both endpoints under auto, and refuses IBOARD_MQTT_URL with a fixed protocol', () => {
    const config = loadConfig({
      ...BASE,
      IBOARD_PROTOCOL: 'Auto',
      IBOARD_URL: 'ws://127.0.0.1:9/realtime',
      IBOARD_MQTT_URL: 'ws://127.0.0.1:9/mqtt',
    });
    assert.equal(config.protocol, 'auto');
    assert.equal(config.iboardUrl, 'ws://127.0.0.1:9/realtime');
    assert.equal(config.mqttUrl, 'ws://127.0.0.1:9/mqtt');
    const fixed = settingOf({ ...BASE, IBOARD_PROTOCOL: 'v2', IBOARD_MQTT_URL: 'ws://127.0.0.1:9/mqtt' });
    assert.equal(fixed.setting, 'IBOARD_MQTT_URL');
    assert.match(fixed.message, /only with IBOARD_PROTOCOL=auto; with v2, set IBOARD_URL instead/);
    assert.equal(settingOf({ ...BASE, IBOARD_MQTT_URL: 'http://x/mqtt' }).setting, 'IBOARD_MQTT_URL');
  });

  it('explains the protocol choices when the value is wrong', () => {
    const error = settingOf({ ...BASE, IBOARD_PROTOCOL: 'websocket' });
    assert.match(
      error.message,
      /IBOARD_PROTOCOL: must be auto \(V2, then MQTT .*\), v2, v1 or mqtt .*got "websocket"/,
    );
  });

  it('selects V1 and its endpoint', () => {
    const config = loadConfig({ ...BASE, IBOARD_PROTOCOL: 'V1' });
    assert.equal(config.protocol, 'v1');
    assert.equal(config.iboardUrl, DEFAULT_URLS.v1);
  });

  it('resolves exchanges and lists, and turns seconds into ms', () => {
    const config = loadConfig({
      ...BASE,
      SYMBOLS: 'hnx, FPT',
      INDICES: 'VN30,HNX30',
      WATCHDOG_SECONDS: '0.5',
      RECONNECT_MAX_SECONDS: '0.2',
      METRICS_PORT: '0',
    });
    assert.ok(config.symbols.includes('FPT'));
    assert.ok(config.symbols.length > 300);
    assert.deepEqual(config.indices, ['VN30', 'HNX30']);
    assert.equal(config.watchdogMs, 500);
    assert.equal(config.reconnectMaxMs, 200);
    assert.equal(config.reconnectBaseMs, 200, 'the base delay never exceeds the cap');
    assert.equal(config.metricsPort, 0);
  });

  it('names SYMBOLS and suggests close matches for an unknown symbol', () => {
    const { setting, message } = settingOf({ ...BASE, SYMBOLS: 'FPT,FTP' });
    assert.equal(setting, 'SYMBOLS');
    assert.match(message, /unknown symbol "FTP"/);
    assert.match(message, /did you mean .*FPT/);
  });

  it('names the setting of a bad URL, protocol, number or mode', () => {
    assert.equal(settingOf({ ...BASE, IBOARD_URL: 'http://example.com/realtime' }).setting, 'IBOARD_URL');
    assert.equal(settingOf({ ...BASE, IBOARD_URL: 'not a url' }).setting, 'IBOARD_URL');
    assert.equal(settingOf({ ...BASE, IBOARD_PROTOCOL: 'v3' }).setting, 'IBOARD_PROTOCOL');
    assert.equal(settingOf({ ...BASE, LINGER_MS: 'soon' }).setting, 'LINGER_MS');
    assert.equal(settingOf({ ...BASE, BUFFER_MAX_FRAMES: '-5' }).setting, 'BUFFER_MAX_FRAMES');
    assert.equal(settingOf({ ...BASE, METRICS_PORT: '70000' }).setting, 'METRICS_PORT');
    assert.equal(
      settingOf({ ...BASE, MAX_RECORD_BYTES: String(2 * 1024 * 1024) }).setting,
      'MAX_RECORD_BYTES',
    );
    assert.equal(settingOf({ ...BASE, INGEST_MODE: 'sometimes' }).setting, 'INGEST_MODE');
    assert.equal(settingOf({ ...BASE, AWS_ENDPOINT_URL: 'ftp://x' }).setting, 'AWS_ENDPOINT_URL');
    assert.equal(settingOf({ ...BASE, CLOCK_START: 'yesterday' }).setting, 'CLOCK_START');
    assert.equal(settingOf({ ...BASE, INDICES: 'VN 30' }).setting, 'INDICES');
  });

  it('requires the stream, the region, and the control table in control mode', () => {
    assert.equal(settingOf({ AWS_REGION: 'x', INGEST_MODE: 'always' }).setting, 'STREAM_NAME');
    assert.equal(settingOf({ STREAM_NAME: 's', INGEST_MODE: 'always' }).setting, 'AWS_REGION');
    assert.equal(settingOf({ ...BASE, INGEST_MODE: 'control' }).setting, 'CONTROL_TABLE');
    assert.equal(
      loadConfig({ ...BASE, INGEST_MODE: 'control', CONTROL_TABLE: 'control' }).controlTable,
      'control',
    );
  });

  it('turns INDICES=NONE into no index subscription', () => {
    assert.deepEqual(loadConfig({ ...BASE, INDICES: 'none' }).indices, []);
  });

  it('follows the simulated clock of the embedded runtime', () => {
    const origin = Date.now();
    const config = loadConfig({
      ...BASE,
      CLOCK_START: '2026-04-14T09:00:00+07:00',
      CLOCK_ORIGIN: String(origin),
      CLOCK_SPEED: '60',
    });
    const start = Date.parse('2026-04-14T02:00:00Z');
    const now = clockOf(config)();
    const expected = start + (Date.now() - origin) * 60;
    assert.ok(Math.abs(now - expected) < 200, `${now} vs ${expected}`);
  });

  it('turns EMF on under ECS unless told otherwise', () => {
    assert.equal(
      loadConfig({ ...BASE, ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' }).emf,
      true,
    );
    assert.equal(
      loadConfig({ ...BASE, ECS_CONTAINER_METADATA_URI_V4: 'http://x', EMF_METRICS: 'off' }).emf,
      false,
    );
    assert.equal(loadConfig({ ...BASE, EMF_METRICS: 'on' }).emf, true);
  });
});
