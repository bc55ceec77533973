/** The `--help` text: every setting of the ingest task with its default. */
export const HELP_TEXT = `ingest-task: iboard websocket -> Kinesis (compressed, batched records)

Usage: node main.mjs            (or: tsx ingest-task/main.ts)
Configured only through environment variables:

  STREAM_NAME             Kinesis stream (required; must exist)
  AWS_REGION              region (required; AWS_DEFAULT_REGION also read)
  AWS_ENDPOINT_URL        emulator/LocalStack endpoint (also _KINESIS/_DYNAMODB variants)
  INGEST_MODE             control (default: obey the control item and the calendar) | always
  CONTROL_TABLE           table of the control item (required in control mode)
  CONTROL_POLL_SECONDS    how often the control item is read (10)
  IBOARD_PROTOCOL         auto (default: V2, MQTT when V2 is refused or silent) | v2 | v1 | mqtt (experimental)
  IBOARD_URL              ws:// or wss:// URL (default: the live endpoint of the protocol; auto: V2's)
  IBOARD_MQTT_URL         auto only: the MQTT endpoint it moves to (default: the live one)
  SYMBOLS                 ALL (default) | HOSE,HNX,UPCOM | comma list of symbols
  INDICES                 comma list of index ids (default: iboard's list) | NONE
  SUBSCRIBE_CHUNK_SIZE    symbols per subscribe message (200)
  WATCHDOG_SECONDS        reconnect after this long without a frame while the market trades (60)
  FALLBACK_AFTER_SECONDS  poll the REST snapshot after this long without data while the market trades (120; 0 = never)
  POLL_SECONDS            REST snapshot poll interval while it is the source (5)
  SNAPSHOT_URL            base URL of the REST snapshot (https://iboard-query.ssi.com.vn)
  PING_SECONDS            websocket ping interval; no pong by the next ping drops the socket (20)
  RECONNECT_MAX_SECONDS   cap of the reconnect backoff (30)
  LINGER_MS               longest a frame waits in an open record (200)
  MAX_RECORD_BYTES        uncompressed frame bytes per record (262144)
  PARTITION_BUCKETS       partition keys the instruments are hashed into (8)
  BUFFER_MAX_FRAMES       frames held until Kinesis acknowledges them (100000)
  BUFFER_BLOCK_SECONDS    reading stays paused this long on a full buffer, then frames are shed (30)
  DRAIN_DEADLINE_SECONDS  on SIGTERM/SIGINT, flush for at most this long (25)
  METRICS_PORT            /healthz and /metrics (8080; 0 = a free port, logged at start)
  PACK_IN_WORKER          on (default: compress in a worker thread) | off
  EMF_METRICS             auto (default: on when running on ECS) | on | off
  CLOCK_START, CLOCK_ORIGIN, CLOCK_SPEED   simulated clock set by the embedded runtime
  POWERTOOLS_LOG_LEVEL    DEBUG | INFO (default) | WARN | ERROR

Exit codes: 0 flushed after a signal; 1 frames left at the drain deadline or start failure;
2 bad setting; 128+signal on a second signal.
`;
