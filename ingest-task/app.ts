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
import { MAX_FRAME_LENGTH } from '../core/iboard/types.ts';
import { isMarketTradingAt } from '../core/market/calendar.ts';
import type { PackedRecord } from '../core/records/index.ts';
import { ENV } from '../core/settings.ts';
import { AutoConnection, type AutoTransport, type TransportConnection } from './auto-connection.ts';
import { FrameBuffer } from './buffer.ts';
import { ConfigError, clockOf, type IngestConfig } from './config.ts';
import { IboardConnection } from './connection.ts';
import { controlReader } from './control-reader.ts';
import { startEmfPublisher } from './emf.ts';
import { createFrameRouter } from './frames.ts';
import { startHealthServer } from './health-server.ts';
import { createKinesisClient } from './kinesis-client.ts';
import { logger as defaultLogger, type IngestLogger } from './logger.ts';
import { IngestMetrics } from './metrics.ts';
import { MqttConnection } from './mqtt-connection.ts';
import { inlinePacker, workerPacker } from './packing.ts';
import { KinesisProducer } from './producer.ts';
import { ScheduleGate } from './schedule-gate.ts';
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

export async function startIngest(config: IngestConfig, deps: IngestDependencies = {}): Promise<IngestApp> {
  const logger = deps.logger ?? defaultLogger;
  const clock = deps.clock ?? clockOf(config);
  const isMarketOpen = deps.isMarketOpen ?? (() => isMarketTradingAt(clock()));
  const kinesis = createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint });
  await checkStream(kinesis, config);

  const metrics = new IngestMetrics();
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
  const onPackerError = deps.onFatal ?? defaultOnFatal(logger);
  const packer = config.packInWorker
    ? await workerPacker(packerOptions, {
        sink,
        onError: onPackerError,
        onPacked: () => buffer?.packerProgressed(),
      })
    : inlinePacker(packerOptions, sink);
  let connection: TransportConnection | undefined;
  buffer = new FrameBuffer({
    maxFrames: config.bufferMaxFrames,
    lingerMs: config.lingerMs,
    blockMs: config.bufferBlockMs,
    packer,
    producer,
    metrics,
    logger,
    pauseReading: () => connection?.pause(),
    resumeReading: () => connection?.resume(),
  });
  const frameBuffer = buffer;
  const router = createFrameRouter({ forward: (e) => frameBuffer.add(e), metrics, logger });
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
  const websocketConnection = (url: string, protocol: 'v1' | 'v2') =>
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
    connection = auto;
  } else {
    metrics.transport = protocol;
    connection =
      protocol === 'mqtt'
        ? mqttConnection(config.iboardUrl)
        : websocketConnection(config.iboardUrl, protocol);
  }
  const socket = connection;
  frameBuffer.start();
  let gateWanted = false;
  const fallback =
    config.fallbackAfterMs > 0
      ? new SnapshotFallback({
          client: new SnapshotClient({ baseUrl: config.snapshotUrl }),
          symbols: config.symbols,
          fallbackAfterMs: config.fallbackAfterMs,
          pollMs: config.pollMs,
          isWanted: () => gateWanted,
          isMarketOpen,
          onFrame: router.onFrame,
          metrics,
          logger,
        })
      : undefined;

  let draining = false;
  const health = await startHealthServer({
    port: config.metricsPort,
    metrics,
    isDraining: () => draining,
  }).catch(async (error: Error & { code?: string }) => {
    frameBuffer.stop();
    await packer.close();
    kinesis.destroy();
    if (error.code === 'EADDRINUSE') {
      throw new ConfigError(ENV.METRICS_PORT, `port ${config.metricsPort} is already in use`, {
        cause: error,
      });
    }
    throw error;
  });
  const stopEmf = config.emf ? startEmfPublisher({ metrics, intervalMs: EMF_INTERVAL_MS }) : () => {};
  const dynamo = config.controlTable
    ? new DynamoDBClient({ region: config.region, endpoint: config.dynamodbEndpoint })
    : undefined;
  const readControl =
    deps.readControl ??
    (dynamo && config.controlTable
      ? controlReader({ client: dynamo, tableName: config.controlTable })
      : undefined);

  const gate = new ScheduleGate({
    mode: config.mode,
    pollMs: config.controlPollMs,
    clock,
    readControl: readControl ?? (async () => undefined),
    logger,
    onChange: (wanted) => {
      metrics.wanted = wanted;
      gateWanted = wanted;
      fallback?.check();
      if (wanted) socket.start();
      else void socket.stop().then(() => frameBuffer.flush());
    },
  });
  logger.info('ingest task started', {
    metricsPort: health.port,
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
  await gate.start();
  fallback?.start();

  let shutdownResult: Promise<boolean> | undefined;
  const shutdown = async (reason: string): Promise<boolean> => {
    const deadline = Date.now() + config.drainDeadlineMs;
    draining = true;
    gate.stop();
    fallback?.stop();
    await socket.stop();
    logger.info('shutting down: reading stopped, flushing', {
      reason,
      framesAccepted: metrics.framesForwarded,
      bufferDepth: frameBuffer.depth,
    });
    frameBuffer.stop();
    await withinDeadline(frameBuffer.flush(), deadline);
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
        notDelivered: frameBuffer.depth,
        deadlineSeconds: config.drainDeadlineMs / 1000,
      });
    }
    stopEmf();
    await health.close();
    kinesis.destroy();
    dynamo?.destroy();
    return flushed;
  };
  return {
    metricsPort: health.port,
    metrics,
    shutdown: (reason) => {
      shutdownResult ??= shutdown(reason);
      return shutdownResult;
    },
  };
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
