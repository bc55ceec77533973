/**
 * The ingest task's counters, kept as plain numbers on the hot path and read by the
 * `/metrics` endpoint and the CloudWatch (EMF) publisher.
 *
 * @example
 * metrics.framesIn.stock++;
 * metrics.snapshot().frames.in; // total frames received
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type HistogramSnapshot, LatencyHistogram } from './histogram.ts';

/** Frame kinds told apart by prefix only (no parsing on the hot path); `polled` = made by the REST fallback. */
export const FRAME_KINDS = ['stock', 'index', 'trade', 'other', 'control', 'polled'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** Where the data comes from now: the websocket, or the REST snapshot fallback. */
export type DataSource = 'websocket' | 'rest';

/** The pushed transport in use: fixed by IBOARD_PROTOCOL, or chosen by `auto`. */
export type LiveTransport = 'v2' | 'v1' | 'mqtt';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopping';

export type MetricsSnapshot = {
  uptimeSeconds: number;
  wanted: boolean;
  connection: { state: ConnectionState; paused: boolean; connects: number; reconnects: number };
  frames: {
    in: number;
    byKind: Record<FrameKind, number>;
    forwarded: number;
    put: number;
    shed: number;
    /** Not iboard frames (binary, oversized, undecodable MQTT payloads): counted and logged, not forwarded. */
    rejected: { binary: number; oversized: number; undecodable: number };
    /** Seconds since the last frame of any kind; null before the first. */
    lastFrameAgeSeconds: number | null;
  };
  kinesis: {
    requests: number;
    records: number;
    bytes: number;
    retriedEntries: number;
    failedEntries: number;
    throttledEntries: number;
    requestErrors: number;
  };
  buffer: { depth: number; max: number; peak: number; recordsQueued: number };
  /** The current source and the REST fallback's switches and polls. */
  source: {
    current: DataSource;
    /** Where the data comes from now: the pushed transport, or `rest` while polling. */
    active: LiveTransport | 'rest';
    /** The pushed transport in use (under `auto`, switched when it is refused or silent). */
    transport: LiveTransport;
    /** Switches between pushed transports (`IBOARD_PROTOCOL=auto` only). */
    transportSwitches: number;
    switchesToPolling: number;
    switchesToWebsocket: number;
    polls: number;
    pollErrors: number;
    polledRowsRejected: number;
    /** Seconds since the last pushed data frame (not control, not polled); null before the first. */
    lastDataAgeSeconds: number | null;
  };
  ackLatencyMs: HistogramSnapshot;
  /** Event-loop delay since the previous snapshot: a blocked loop delays every frame. */
  eventLoopDelayMs: { p99: number; max: number };
  /** Resident set (whole process, packing worker included) and the main thread's heap. */
  memoryMb: { rss: number; heapUsed: number };
};

export class IngestMetrics {
  readonly startedAt = Date.now();
  wanted = false;
  connectionState: ConnectionState = 'idle';
  paused = false;
  connects = 0;
  reconnects = 0;
  readonly framesIn: Record<FrameKind, number> = {
    stock: 0,
    index: 0,
    trade: 0,
    other: 0,
    control: 0,
    polled: 0,
  };
  framesForwarded = 0;
  framesPut = 0;
  framesShed = 0;
  readonly framesRejected = { binary: 0, oversized: 0, undecodable: 0 };
  lastFrameAt = 0;
  /** Receipt time of the last pushed data frame (not control, not polled): the fallback watches it. */
  lastDataFrameAt = 0;
  source: DataSource = 'websocket';
  transport: LiveTransport = 'v2';
  transportSwitches = 0;
  switchesToPolling = 0;
  switchesToWebsocket = 0;
  polls = 0;
  pollErrors = 0;
  polledRowsRejected = 0;
  requests = 0;
  recordsPut = 0;
  bytesPut = 0;
  retriedEntries = 0;
  failedEntries = 0;
  throttledEntries = 0;
  requestErrors = 0;
  bufferDepth = 0;
  bufferPeak = 0;
  bufferMax = 0;
  recordsQueued = 0;
  readonly ackLatency = new LatencyHistogram();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.loopDelay.enable();
  }

  totalFramesIn(): number {
    let total = 0;
    for (const kind of FRAME_KINDS) total += this.framesIn[kind];
    const rejected = this.framesRejected;
    return total + rejected.binary + rejected.oversized + rejected.undecodable;
  }

  /** The pushed transport, or `rest` while the REST fallback polls. */
  activeSource(): LiveTransport | 'rest' {
    return this.source === 'rest' ? 'rest' : this.transport;
  }

  snapshot(now = Date.now()): MetricsSnapshot {
    const loop = { p99: ms(this.loopDelay.percentile(99)), max: ms(this.loopDelay.max) };
    this.loopDelay.reset();
    return {
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      wanted: this.wanted,
      connection: {
        state: this.connectionState,
        paused: this.paused,
        connects: this.connects,
        reconnects: this.reconnects,
      },
      frames: {
        in: this.totalFramesIn(),
        byKind: { ...this.framesIn },
        forwarded: this.framesForwarded,
        put: this.framesPut,
        shed: this.framesShed,
        rejected: { ...this.framesRejected },
        lastFrameAgeSeconds: this.lastFrameAt === 0 ? null : (now - this.lastFrameAt) / 1000,
      },
      kinesis: {
        requests: this.requests,
        records: this.recordsPut,
        bytes: this.bytesPut,
        retriedEntries: this.retriedEntries,
        failedEntries: this.failedEntries,
        throttledEntries: this.throttledEntries,
        requestErrors: this.requestErrors,
      },
      buffer: {
        depth: this.bufferDepth,
        max: this.bufferMax,
        peak: this.bufferPeak,
        recordsQueued: this.recordsQueued,
      },
      source: {
        current: this.source,
        active: this.activeSource(),
        transport: this.transport,
        transportSwitches: this.transportSwitches,
        switchesToPolling: this.switchesToPolling,
        switchesToWebsocket: this.switchesToWebsocket,
        polls: this.polls,
        pollErrors: this.pollErrors,
        polledRowsRejected: this.polledRowsRejected,
        lastDataAgeSeconds: this.lastDataFrameAt === 0 ? null : (now - this.lastDataFrameAt) / 1000,
      },
      ackLatencyMs: this.ackLatency.snapshot(),
      eventLoopDelayMs: loop,
      memoryMb: { rss: Math.round(process.memoryUsage.rss() / 1048576), heapUsed: heapUsedMb() },
    };
  }
}

function heapUsedMb(): number {
  return Math.round(process.memoryUsage().heapUsed / 1048576);
}

/** Nanoseconds (perf_hooks) to whole milliseconds. */
function ms(nanoseconds: number): number {
  return Math.round(nanoseconds / 1e6);
}
