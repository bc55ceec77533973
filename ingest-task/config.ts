/**
 * The ingest task's configuration, read once from the environment (names in
 * `core/settings.ts`; precedence: environment > default). Every value is checked
 * here, so a bad setting stops the task at start with one message naming it.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError('SYMBOLS', 'unknown symbol "FTP" (did you mean FPT?)')
 */
import { type ClockSetting, ClockSettingError, clockNow, readClockSetting } from '../core/clock.ts';
import { type Env, type Settings, settingsOf } from '../core/config.ts';
import { ConfigurationError } from '../core/errors.ts';
import { DEFAULT_CHUNK_SIZE, DEFAULT_INDICES, MAX_CHUNK_SIZE } from '../core/iboard/subscribe.ts';
import { resolveSymbols } from '../core/iboard/symbols.ts';
import { ENV } from '../core/settings.ts';
import { INGEST_MODES, type IngestMode } from './schedule-gate.ts';
import { DEFAULT_SNAPSHOT_URL } from './snapshot-client.ts';

/** A setting with a wrong or missing value; `setting` names the environment variable. */
export class ConfigError extends ConfigurationError {
  readonly code = 'CONFIG_INVALID';
  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(setting, `${setting}: ${problem}`, options);
    this.name = 'ConfigError';
  }
}

/**
 * `auto` (default): V2, moving to MQTT when V2 is refused or silent in trading hours
 * (ingest-task/auto-connection.ts). `mqtt` is experimental: MQTT over websocket with
 * protobuf payloads (ingest-task/mqtt-connection.ts).
 */
export const PROTOCOLS = ['auto', 'v2', 'v1', 'mqtt'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The live endpoints (shared/spec/iboard-protocol.md); `auto` starts on V2's. */
export const DEFAULT_URLS: Readonly<Record<Protocol, string>> = {
  auto: 'wss://iboard-pushstream.ssi.com.vn/realtime',
  v2: 'wss://iboard-pushstream.ssi.com.vn/realtime',
  v1: 'wss://pricestream-iboard.ssi.com.vn/realtime',
  mqtt: 'wss://price-streaming.ssi.com.vn/mqtt',
};

const PROTOCOL_HELP =
  'auto (V2, then MQTT when V2 is refused or silent in trading hours), v2, v1 or mqtt (experimental)';

/** First reconnect delay; capped by RECONNECT_MAX_SECONDS when that is smaller. */
const RECONNECT_BASE_MS = 500;

export type IngestConfig = {
  /** The endpoint of `protocol`; under `auto`, the V2 one. */
  readonly iboardUrl: string;
  readonly protocol: Protocol;
  /** Under `auto`, the MQTT endpoint it moves to; otherwise unused. */
  readonly mqttUrl: string;
  /** The SYMBOLS spec as given, and what it resolved to. */
  readonly symbolSpec: string;
  readonly symbols: readonly string[];
  readonly indices: readonly string[];
  readonly subscribeChunkSize: number;
  readonly watchdogMs: number;
  /** The REST fallback starts after this long without pushed data in trading hours; 0 = never. */
  readonly fallbackAfterMs: number;
  readonly pollMs: number;
  readonly snapshotUrl: string;
  readonly pingIntervalMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly lingerMs: number;
  readonly maxRecordBytes: number;
  readonly partitionBuckets: number;
  readonly bufferMaxFrames: number;
  readonly bufferBlockMs: number;
  readonly drainDeadlineMs: number;
  readonly metricsPort: number;
  readonly controlPollMs: number;
  readonly mode: IngestMode;
  readonly streamName: string;
  /** Required in `control` mode. */
  readonly controlTable: string | undefined;
  readonly region: string;
  readonly kinesisEndpoint: string | undefined;
  readonly dynamodbEndpoint: string | undefined;
  /** The simulated clock of the embedded runtime, when it set one. */
  readonly clock: ClockSetting | undefined;
  readonly emf: boolean;
  /** Pack and compress records in a worker thread (default) or on the websocket's thread. */
  readonly packInWorker: boolean;
};

/** Reads and checks every setting; throws {@link ConfigError} on the first bad one. */
export function loadConfig(env: Env): IngestConfig {
  const settings = settingsOf(env, ConfigError);
  const { raw, required, number, choice, url } = settings;
  const protocol = readProtocol(settings);
  const iboardUrl = url(ENV.IBOARD_URL, ['ws:', 'wss:'], DEFAULT_URLS[protocol]) as string;
  const mqttUrl = url(ENV.IBOARD_MQTT_URL, ['ws:', 'wss:'], DEFAULT_URLS.mqtt) as string;
  if (protocol !== 'auto' && raw(ENV.IBOARD_MQTT_URL) !== undefined) {
    settings.fail(
      ENV.IBOARD_MQTT_URL,
      `is used only with ${ENV.IBOARD_PROTOCOL}=auto; with ${protocol}, set ${ENV.IBOARD_URL} instead`,
    );
  }
  const symbolSpec = raw(ENV.SYMBOLS) ?? 'ALL';
  const symbols = resolveSymbolSpec(settings, symbolSpec);
  const indices = resolveIndices(settings);
  const mode = choice(ENV.INGEST_MODE, Object.values(INGEST_MODES), INGEST_MODES.CONTROL);
  const reconnectMaxMs = number(ENV.RECONNECT_MAX_SECONDS, { default: 30, min: 0.01, max: 600 }) * 1000;
  const endpoint = (specific: string) =>
    url(specific, ['http:', 'https:']) ?? url('AWS_ENDPOINT_URL', ['http:', 'https:']);
  return {
    iboardUrl,
    protocol,
    mqttUrl,
    symbolSpec,
    symbols,
    indices,
    subscribeChunkSize: number(ENV.SUBSCRIBE_CHUNK_SIZE, {
      default: DEFAULT_CHUNK_SIZE,
      min: 1,
      max: MAX_CHUNK_SIZE,
      integer: true,
    }),
    watchdogMs: number(ENV.WATCHDOG_SECONDS, { default: 60, min: 0.05, max: 3600 }) * 1000,
    fallbackAfterMs: number(ENV.FALLBACK_AFTER_SECONDS, { default: 120, min: 0, max: 3600 }) * 1000,
    // Live, one poll reads ~1,500 instruments in three requests of ~1 s: keep it at seconds.
    pollMs: number(ENV.POLL_SECONDS, { default: 5, min: 0.05, max: 600 }) * 1000,
    snapshotUrl: url(ENV.SNAPSHOT_URL, ['http:', 'https:'], DEFAULT_SNAPSHOT_URL) as string,
    pingIntervalMs: number(ENV.PING_SECONDS, { default: 20, min: 0.05, max: 600 }) * 1000,
    reconnectBaseMs: Math.min(RECONNECT_BASE_MS, reconnectMaxMs),
    reconnectMaxMs,
    lingerMs: number(ENV.LINGER_MS, { default: 200, min: 1, max: 60_000, integer: true }),
    // The packer's bounds: at least 1 KiB; at most 1 MiB less room for framing (a Kinesis record's limit).
    maxRecordBytes: number(ENV.MAX_RECORD_BYTES, {
      default: 256 * 1024,
      min: 1024,
      max: 960 * 1024,
      integer: true,
    }),
    partitionBuckets: number(ENV.PARTITION_BUCKETS, {
      default: 8,
      min: 1,
      max: 100,
      integer: true,
    }),
    // ~5 s of the whole market at 20,000 frames/s, over a minute at the real peak; at
    // ~450 bytes per waiting frame it keeps the task well under 150 MB.
    bufferMaxFrames: number(ENV.BUFFER_MAX_FRAMES, {
      default: 100_000,
      min: 10,
      max: 10_000_000,
      integer: true,
    }),
    bufferBlockMs: number(ENV.BUFFER_BLOCK_SECONDS, { default: 30, min: 0, max: 3600 }) * 1000,
    drainDeadlineMs: number(ENV.DRAIN_DEADLINE_SECONDS, { default: 25, min: 0.1, max: 3600 }) * 1000,
    metricsPort: number(ENV.METRICS_PORT, { default: 8080, min: 0, max: 65_535, integer: true }),
    controlPollMs: number(ENV.CONTROL_POLL_SECONDS, { default: 10, min: 0.05, max: 3600 }) * 1000,
    mode,
    streamName: required(ENV.STREAM_NAME, 'is required (the Kinesis stream to write to)'),
    controlTable:
      mode === INGEST_MODES.CONTROL
        ? required(
            ENV.CONTROL_TABLE,
            'is required (the table holding the control item, in INGEST_MODE=control)',
          )
        : raw(ENV.CONTROL_TABLE),
    region:
      raw('AWS_REGION') ??
      raw('AWS_DEFAULT_REGION') ??
      required('AWS_REGION', 'is required (the region of the stream)'),
    kinesisEndpoint: endpoint('AWS_ENDPOINT_URL_KINESIS'),
    dynamodbEndpoint: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
    clock: readClock(env),
    emf: readEmf(settings),
    packInWorker: choice(ENV.PACK_IN_WORKER, ['on', 'off'] as const, 'on') === 'on',
  };
}

function readProtocol(settings: Settings): Protocol {
  const raw = settings.raw(ENV.IBOARD_PROTOCOL);
  if (raw === undefined) return 'auto';
  const match = PROTOCOLS.find((p) => p === raw.toLowerCase());
  return match ?? settings.fail(ENV.IBOARD_PROTOCOL, `must be ${PROTOCOL_HELP}, got "${raw}"`);
}

function resolveSymbolSpec(settings: Settings, spec: string): string[] {
  try {
    return resolveSymbols(spec);
  } catch (error) {
    return settings.fail(ENV.SYMBOLS, (error as Error).message, { cause: error });
  }
}

function resolveIndices(settings: Settings): string[] {
  const list = settings.list(ENV.INDICES);
  if (list === undefined) return [...DEFAULT_INDICES];
  if (list.length === 1 && list[0].toUpperCase() === 'NONE') return [];
  const bad = list.find((id) => !/^[A-Za-z0-9_]{1,32}$/.test(id));
  if (bad !== undefined) settings.fail(ENV.INDICES, `"${bad}" is not an index id (letters and digits)`);
  return list;
}

function readClock(env: Env): IngestConfig['clock'] {
  try {
    return readClockSetting(env);
  } catch (error) {
    if (error instanceof ClockSettingError)
      throw new ConfigError(error.setting, error.problem, { cause: error });
    throw error;
  }
}

function readEmf(settings: Settings): boolean {
  const choice = settings.choice(ENV.EMF_METRICS, ['auto', 'on', 'off'] as const, 'auto');
  if (choice !== 'auto') return choice === 'on';
  // ECS sets this in every task; elsewhere (compose, embedded runtime) EMF lines are noise.
  return settings.raw('ECS_CONTAINER_METADATA_URI_V4') !== undefined;
}

/** `now()` of the configured clock: real time, or the runtime's simulated clock. */
export function clockOf(config: Pick<IngestConfig, 'clock'>): () => number {
  return clockNow(config.clock);
}
