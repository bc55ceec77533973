/**
 * Names of the environment variables that configure each deployable.
 *
 * They are shared by `infra/` (which sets them on the Lambda functions and the
 * Fargate task) and by the code that reads them (each deployable's `config.ts`),
 * so a rename happens in one place. Precedence everywhere: command-line argument >
 * environment variable > default.
 */
export const ENV = {
  // --- tables and stream (transform, session-control, ingest, local runtime, dashboard)
  STREAM_NAME: 'STREAM_NAME',
  TRADES_TABLE: 'TRADES_TABLE',
  QUOTES_TABLE: 'QUOTES_TABLE',
  BARS_TABLE: 'BARS_TABLE',
  INDICES_TABLE: 'INDICES_TABLE',
  REJECTS_TABLE: 'REJECTS_TABLE',
  CONTROL_TABLE: 'CONTROL_TABLE',
  /** `dynamodb` (default), `keyspaces` or `both`. */
  SINK: 'SINK',
  KEYSPACE_NAME: 'KEYSPACE_NAME',
  CASSANDRA_CONTACT_POINTS: 'CASSANDRA_CONTACT_POINTS',
  CASSANDRA_LOCAL_DC: 'CASSANDRA_LOCAL_DC',
  CASSANDRA_USERNAME: 'CASSANDRA_USERNAME',
  CASSANDRA_PASSWORD: 'CASSANDRA_PASSWORD',
  /** The raw-feed archive's S3 bucket (transform; set by infra/). */
  ARCHIVE_BUCKET: 'ARCHIVE_BUCKET',
  /** Key prefix inside ARCHIVE_BUCKET (default none). */
  ARCHIVE_PREFIX: 'ARCHIVE_PREFIX',
  /** A directory to archive into instead of S3 (the embedded runtime's `<data dir>/archive`); wins over ARCHIVE_BUCKET. */
  ARCHIVE_DIR: 'ARCHIVE_DIR',

  // --- ingest task
  IBOARD_URL: 'IBOARD_URL',
  /** `auto` (default: V2, then MQTT when V2 is refused or silent), `v2`, `v1` or `mqtt`. */
  IBOARD_PROTOCOL: 'IBOARD_PROTOCOL',
  /** The MQTT endpoint `auto` moves to (IBOARD_URL is the V2 one then). */
  IBOARD_MQTT_URL: 'IBOARD_MQTT_URL',
  /** Comma list of symbols, exchange names (`HOSE,HNX,UPCOM`) or `ALL` (default). */
  SYMBOLS: 'SYMBOLS',
  INDICES: 'INDICES',
  SUBSCRIBE_CHUNK_SIZE: 'SUBSCRIBE_CHUNK_SIZE',
  WATCHDOG_SECONDS: 'WATCHDOG_SECONDS',
  RECONNECT_MAX_SECONDS: 'RECONNECT_MAX_SECONDS',
  LINGER_MS: 'LINGER_MS',
  MAX_RECORD_BYTES: 'MAX_RECORD_BYTES',
  BUFFER_MAX_FRAMES: 'BUFFER_MAX_FRAMES',
  DRAIN_DEADLINE_SECONDS: 'DRAIN_DEADLINE_SECONDS',
  METRICS_PORT: 'METRICS_PORT',
  CONTROL_POLL_SECONDS: 'CONTROL_POLL_SECONDS',
  /** Websocket ping interval; no pong by the next ping drops the socket (default 20). */
  PING_SECONDS: 'PING_SECONDS',
  /** How long reading may stay paused on a full buffer before frames are shed (default 30). */
  BUFFER_BLOCK_SECONDS: 'BUFFER_BLOCK_SECONDS',
  /** Partition-key buckets the instruments are hashed into (default 8, see core/records). */
  PARTITION_BUCKETS: 'PARTITION_BUCKETS',
  /** CloudWatch metrics as EMF log lines: `auto` (default: on when running on ECS), `on` or `off`. */
  EMF_METRICS: 'EMF_METRICS',
  /** Pack and compress records in a worker thread: `on` (default) or `off`. */
  PACK_IN_WORKER: 'PACK_IN_WORKER',
  /** Seconds without a pushed data frame while the market trades before the REST snapshot is polled (default 120; 0 = never). */
  FALLBACK_AFTER_SECONDS: 'FALLBACK_AFTER_SECONDS',
  /** Seconds between two polls of the REST snapshot while it is the source (default 5). */
  POLL_SECONDS: 'POLL_SECONDS',
  /** Base URL of iboard's REST snapshot (default: the live host). */
  SNAPSHOT_URL: 'SNAPSHOT_URL',
  /** `control` (default: obey the control item and the calendar) or `always` (ignore the schedule). */
  INGEST_MODE: 'INGEST_MODE',
  /** Optional ISO time or epoch ms that the local runtime uses to drive a simulated clock. */
  CLOCK_START: 'CLOCK_START',
  /** Simulated milliseconds per real millisecond of the clock that starts at CLOCK_START (default 1). Set by the local runtime with CLOCK_START. */
  CLOCK_SPEED: 'CLOCK_SPEED',
  /** Epoch ms (real time) at which the simulated clock showed CLOCK_START, so child processes agree with the local runtime to the millisecond. */
  CLOCK_ORIGIN: 'CLOCK_ORIGIN',

  // --- trading calendar (core/market; every deployable that asks whether the market is open)
  /** Optional path to a JSON file of extra market holidays merged into the bundled list (see core/market/holidays.ts). */
  HOLIDAYS_FILE: 'HOLIDAYS_FILE',

  // --- session-control function (Fargate host only)
  ECS_CLUSTER: 'ECS_CLUSTER',
  ECS_SERVICE: 'ECS_SERVICE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
