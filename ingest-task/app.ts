/**
 * Wires the ingest task together: schedule gate → websocket (V2, or MQTT under `auto` when
 * V2 is refused or silent; or, while the pushed feed is silent in
 * trading hours, the REST snapshot fallback) → frame router → bounded buffer (packer) →
 * Kinesis producer, plus the health/metrics endpoint and EMF.
 * `main.ts` adds the process concerns (configuration errors, signals, exit codes).
 *
 * @example
 * const app = await startIngest(loadConfig(process.env));
 * app.metricsPort;             // where /healthz and /metrics answer
 * await app.shutdown('SIGTERM'); // true when every frame received was acknowledged
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ControlState } from '../core/control.ts';
import { IngestError } from '../core/errors.ts';
import { type Generation, MAX_FRAME_LENGTH } from '../core/iboard/types.ts';
import { isMarketTradingAt } from '../core/market/calendar.ts';
import type { PackedRecord } from '../core/records/index.ts';
import { ENV } from '../core/settings.ts';
import { AutoConnection, type AutoTransport, type TransportConnection } from './auto-connection.ts';
import { FrameBuffer } from './buffer.ts';
import { ConfigError, clockOf, type IngestConfig } from './config.ts';
import { IboardConnection } from './connection.ts';
import { controlReader } from './control-reader.ts';
import { startEmfPublisher } from './emf.ts';
import { createFrameRouter, type FrameRouter } from './frames.ts';
import { type HealthServer, startHealthServer } from './health-server.ts';
import { createKinesisClient } from './kinesis-client.ts';
import { logger as defaultLogger, type IngestLogger } from './logger.ts';
import { IngestMetrics } from './metrics.ts';
import { MqttConnection } from './mqtt-connection.ts';
import { inlinePacker, type Packer, workerPacker } from './packing.ts';
import { KinesisProducer } from './producer.ts';
import { ScheduleGate } from './schedule-gate.ts';
import { sdkClientConfig } from './sdk-client-config.ts';
import { SnapshotClient } from './snapshot-client.ts';
import { SnapshotFallback } from './snapshot-fallback.ts';
import { subscribeMessagesOf } from './subscriptions.ts';

/** The task could not start for a reason other than a setting (e.g. Kinesis unreachable). */
export class IngestStartError extends IngestError {
  readonly code = 'INGEST_START_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IngestStartError';
  }
}

export type IngestDependencies = {
  readonly logger?: IngestLogger;
  /** Epoch ms now, for the calendar (default: the configured clock). */
  readonly clock?: () => number;
  /** Whether the market trades now, for the watchdog (default: the calendar at `clock()`). */
  readonly isMarketOpen?: () => boolean;
  /** Reads the control item (default: GetItem on CONTROL_TABLE). */
  readonly readControl?: () => Promise<ControlState | undefined>;
  /** An unrecoverable failure (the packing worker died): default logs it and exits 1. */
  readonly onFatal?: (error: Error) => void;
};

function defaultOnFatal(logger: IngestLogger): (error: Error) => void {
  return (error) => {
    logger.error('packing worker failed, exiting', { error: error.name, reason: error.message });
    process.exit(1);
  };
}

export type IngestApp = {
  readonly metricsPort: number;
  readonly metrics: IngestMetrics;
  /** Stops reading, flushes, waits for Kinesis up to the drain deadline; true if nothing was left. */
  shutdown(reason: string): Promise<boolean>;
};

/** EMF publication interval: CloudWatch's standard one-minute resolution. */
const EMF_INTERVAL_MS = 60_000;

/** What every step of the start shares. */
type IngestContext = {
  readonly config: IngestConfig;
  readonly logger: IngestLogger;
  readonly metrics: IngestMetrics;
  readonly isMarketOpen: () => boolean;
};

/** Frames in to records acknowledged: the bounded buffer, the packer and the Kinesis producer. */
type Pipeline = {
  readonly buffer: FrameBuffer;
  readonly packer: Packer;
  readonly producer: KinesisProducer;
  /** Stops the buffer's timers and closes the packer (used when the start fails after it). */
  stop(): Promise<void>;
};

/** Whether the schedule wants data now (the fallback asks) and whether the task is draining (/healthz says). */
type IngestState = { wanted: boolean; draining: boolean };

/** Everything `shutdown` stops, in its order. */
type IngestParts = {
  readonly context: IngestContext;
  readonly state: IngestState;
  readonly gate: ScheduleGate;
  readonly fallback?: SnapshotFallback;
  readonly socket: TransportConnection;
  readonly pipeline: Pipeline;
  readonly health: HealthServer;
  readonly stopEmf: () => void;
  readonly kinesis: KinesisClient;
  readonly dynamo?: DynamoDBClient;
};

export async function startIngest(config: IngestConfig, deps: IngestDependencies = {}): Promise<IngestApp> {
  const logger = deps.logger ?? defaultLogger;
  const clock = deps.clock ?? clockOf(config);
  const isMarketOpen = deps.isMarketOpen ?? (() => isMarketTradingAt(clock()));
  const kinesis = createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint });
  await checkStream(kinesis, config);

  const context: IngestContext = { config, logger, metrics: new IngestMetrics(), isMarketOpen };
  const { metrics } = context;
  let socket: TransportConnection | undefined;
  const pipeline = await startPipeline(context, kinesis, deps.onFatal ?? defaultOnFatal(logger), {
    pause: () => socket?.pause(),
    resume: () => socket?.resume(),
  });
  const router = createFrameRouter({ forward: (e) => pipeline.buffer.add(e), metrics, logger });
  const connection = createConnection(context, router);
  socket = connection;
  pipeline.buffer.start();
  const state: IngestState = { wanted: false, draining: false };
  const fallback = createFallback(context, router, () => state.wanted);
  const health = await startHealth(context, () => state.draining).catch(async (error: Error) => {
    await pipeline.stop();
    kinesis.destroy();
    throw error;
  });
  const stopEmf = config.emf ? startEmfPublisher({ metrics, intervalMs: EMF_INTERVAL_MS }) : () => {};
  const dynamo = config.controlTable
    ? new DynamoDBClient(sdkClientConfig({ region: config.region, endpoint: config.dynamodbEndpoint }))
    : undefined;
  const gate = createGate(context, clock, deps.readControl ?? controlReaderOf(config, dynamo), (wanted) => {
    metrics.wanted = wanted;
    state.wanted = wanted;
    fallback?.check();
    if (wanted) connection.start();
    else void connection.stop().then(() => pipeline.buffer.flush());
  });
  logStarted(config, logger, health.port);
  await gate.start();
  fallback?.start();

  const parts: IngestParts = {
    ...{ context, state, gate, fallback, socket: connection },
    ...{ pipeline, health, stopEmf, kinesis, dynamo },
  };
  let shutdownResult: Promise<boolean> | undefined;
  return {
    metricsPort: health.port,
    metrics,
    shutdown: (reason) => {
      shutdownResult ??= shutdownIngest(parts, reason);
      return shutdownResult;
    },
  };
}

async function startPipeline(
  context: IngestContext,
  kinesis: KinesisClient,
  onFatal: (error: Error) => void,
  reading: { pause: () => void; resume: () => void },
): Promise<Pipeline> {
  const { config, metrics, logger } = context;
  let buffer: FrameBuffer | undefined;
  const producer = new KinesisProducer({
    client: kinesis,
    streamName: config.streamName,
    metrics,
    logger,
    onAck: (record, ackedAt) => buffer?.acknowledge(record, ackedAt),
  });
  const packerOptions = { maxRecordBytes: config.maxRecordBytes, buckets: config.partitionBuckets };
  const sink = (records: readonly PackedRecord[]) => producer.enqueue(records);
  const packer = config.packInWorker
    ? await workerPacker(packerOptions, {
        sink,
        onError: onFatal,
        onPacked: () => buffer?.packerProgressed(),
      })
    : inlinePacker(packerOptions, sink);
  buffer = new FrameBuffer({
    maxFrames: config.bufferMaxFrames,
    lingerMs: config.lingerMs,
    blockMs: config.bufferBlockMs,
    packer,
    producer,
    metrics,
    logger,
    pauseReading: reading.pause,
    resumeReading: reading.resume,
  });
  const frameBuffer = buffer;
  return {
    buffer: frameBuffer,
    packer,
    producer,
    stop: async () => {
      frameBuffer.stop();
      await packer.close();
    },
  };
}

/** The pushed connection IBOARD_PROTOCOL names; under `auto`, V2 and MQTT switched on refusal or silence. */
function createConnection(context: IngestContext, router: FrameRouter): TransportConnection {
  const { config, metrics, logger, isMarketOpen } = context;
  const common = {
    watchdogMs: config.watchdogMs,
    reconnectBaseMs: config.reconnectBaseMs,
    reconnectMaxMs: config.reconnectMaxMs,
    isMarketOpen,
    onFrame: router.onFrame,
    onRejected: router.onRejected,
    metrics,
    logger,
  };
  // Under `auto`, each connection reports whether it opened: failures in a row switch transports.
  let auto: AutoConnection | undefined;
  const hooksOf = (transport: AutoTransport) => ({
    onOpened: () => auto?.reportOpened(transport),
    onOpenFailed: (reason: string) => auto?.reportOpenFailed(transport, reason),
  });
  const mqttConnection = (url: string) =>
    new MqttConnection({
      ...common,
      ...hooksOf('mqtt'),
      url,
      symbols: config.symbols,
      subscribeChunkSize: config.subscribeChunkSize,
    });
  const websocketConnection = (url: string, protocol: Generation) =>
    new IboardConnection({
      ...common,
      ...hooksOf('v2'),
      url,
      subscribeMessages: subscribeMessagesOf({ ...config, protocol }),
      pingIntervalMs: config.pingIntervalMs,
      maxFrameBytes: MAX_FRAME_LENGTH,
    });
  const protocol = config.protocol;
  if (protocol === 'auto') {
    auto = new AutoConnection({
      connections: {
        v2: websocketConnection(config.iboardUrl, 'v2'),
        mqtt: mqttConnection(config.mqttUrl),
      },
      watchdogMs: config.watchdogMs,
      isMarketOpen,
      metrics,
      logger,
    });
    return auto;
  }
  metrics.transport = protocol;
  return protocol === 'mqtt'
    ? mqttConnection(config.iboardUrl)
    : websocketConnection(config.iboardUrl, protocol);
}

/** The REST snapshot fallback, unless FALLBACK_AFTER_SECONDS is 0. */
function createFallback(
  context: IngestContext,
  router: FrameRouter,
  isWanted: () => boolean,
): SnapshotFallback | undefined {
  const { config, metrics, logger, isMarketOpen } = context;
  if (config.fallbackAfterMs <= 0) return undefined;
  return new SnapshotFallback({
    client: new SnapshotClient({ baseUrl: config.snapshotUrl }),
    symbols: config.symbols,
    fallbackAfterMs: config.fallbackAfterMs,
    pollMs: config.pollMs,
    isWanted,
    isMarketOpen,
    onFrame: router.onFrame,
    metrics,
    logger,
  });
}

/** The /healthz and /metrics endpoint; a port in use is a setting error. */
async function startHealth(context: IngestContext, isDraining: () => boolean): Promise<HealthServer> {
  const { config, metrics } = context;
  try {
    return await startHealthServer({ port: config.metricsPort, metrics, isDraining });
  } catch (error) {
    if ((error as Error & { code?: string }).code === 'EADDRINUSE') {
      throw new ConfigError(ENV.METRICS_PORT, `port ${config.metricsPort} is already in use`, {
        cause: error,
      });
    }
    throw error;
  }
}

function controlReaderOf(
  config: IngestConfig,
  dynamo: DynamoDBClient | undefined,
): (() => Promise<ControlState | undefined>) | undefined {
  return dynamo && config.controlTable
    ? controlReader({ client: dynamo, tableName: config.controlTable })
    : undefined;
}

function createGate(
  context: IngestContext,
  clock: () => number,
  readControl: (() => Promise<ControlState | undefined>) | undefined,
  onChange: (wanted: boolean) => void,
): ScheduleGate {
  const { config, logger } = context;
  return new ScheduleGate({
    mode: config.mode,
    pollMs: config.controlPollMs,
    clock,
    readControl: readControl ?? (async () => undefined),
    logger,
    onChange,
  });
}

function logStarted(config: IngestConfig, logger: IngestLogger, metricsPort: number): void {
  logger.info('ingest task started', {
    metricsPort,
    stream: config.streamName,
    url: config.iboardUrl,
    protocol: config.protocol,
    ...(config.protocol === 'auto' ? { mqttUrl: config.mqttUrl } : {}),
    symbols: config.symbols.length,
    indices: config.indices.length,
    mode: config.mode,
    simulatedClock: config.clock !== undefined,
    fallbackAfterSeconds: config.fallbackAfterMs / 1000,
  });
}

/** Stops reading, flushes, waits for Kinesis up to the drain deadline; true if nothing was left. */
async function shutdownIngest(parts: IngestParts, reason: string): Promise<boolean> {
  const { config, logger, metrics } = parts.context;
  const { buffer, packer, producer } = parts.pipeline;
  const deadline = Date.now() + config.drainDeadlineMs;
  parts.state.draining = true;
  parts.gate.stop();
  parts.fallback?.stop();
  await parts.socket.stop();
  logger.info('shutting down: reading stopped, flushing', {
    reason,
    framesAccepted: metrics.framesForwarded,
    bufferDepth: buffer.depth,
  });
  buffer.stop();
  await withinDeadline(buffer.flush(), deadline);
  await withinDeadline(packer.close(), deadline);
  const flushed = await producer.drain(Math.max(0, deadline - Date.now()));
  if (flushed) {
    logger.info('flushed, every frame received is in the stream', {
      framesPut: metrics.framesPut,
      recordsPut: metrics.recordsPut,
    });
  } else {
    producer.stop();
    logger.error('drain deadline passed, frames not delivered', {
      notDelivered: buffer.depth,
      deadlineSeconds: config.drainDeadlineMs / 1000,
    });
  }
  parts.stopEmf();
  await parts.health.close();
  parts.kinesis.destroy();
  parts.dynamo?.destroy();
  return flushed;
}

/** Waits for `work` until the epoch-ms `deadline`, whichever comes first. */
async function withinDeadline(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  await Promise.race([work, expired]);
  clearTimeout(timer);
}

/** Fails fast when the stream does not exist (a setting error) or Kinesis cannot be reached. */
async function checkStream(kinesis: KinesisClient, config: IngestConfig): Promise<void> {
  try {
    await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: config.streamName }));
  } catch (error) {
    const err = error as Error;
    kinesis.destroy();
    const where = config.kinesisEndpoint ?? `region ${config.region}`;
    if (err.name === 'ResourceNotFoundException') {
      throw new ConfigError(ENV.STREAM_NAME, `stream "${config.streamName}" does not exist at ${where}`, {
        cause: error,
      });
    }
    throw new IngestStartError(`cannot reach Kinesis at ${where} (AWS_ENDPOINT_URL): ${err.message}`, {
      cause: error,
    });
  }
}
