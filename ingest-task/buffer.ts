/**
 * The bounded buffer between the websocket and Kinesis: frames accepted and not yet
 * acknowledged, whether still in an open record, queued, or in flight.
 *
 * Policy when Kinesis falls behind (stated once, here):
 * 1. at `pauseAt` reading is blocked: the websocket is paused, TCP flow control holds
 *    the rest on the server's side; reading resumes at `resumeAt` (half of `pauseAt`).
 *    `pauseAt` leaves headroom below the bound (10% of it, at least 2,000 frames, at
 *    most half) for the frames already read from the socket when it pauses (a 64 KiB
 *    read is ~130 frames, and ws parses what it holds), so a pause alone sheds nothing;
 * 2. if reading stays blocked for `blockMs`, it resumes anyway (a socket left unread
 *    for long is dropped by the server, and the feed goes stale) and frames that find
 *    the buffer at `maxFrames` are shed: counted, with one error log per episode and
 *    a summary when it ends;
 * 3. the buffer never holds more than `maxFrames` frames;
 * 4. frames accepted after frames were shed carry a new connection id (`<id>~<n>`, n the
 *    shed episodes so far): the transform then accounts the volume across the loss as a
 *    `gap`, never as one trade (shed frames are the only loss between socket and stream).
 * Reading also pauses, briefly and without shedding, while the packing worker has more
 * than `PACKER_HIGH_FRAMES` frames queued (the CPU is the bottleneck, not Kinesis):
 * raw frames queued for compression cost ~10x the memory of packed ones.
 *
 * Records are closed by the packer's bounds, or by the linger timer: every `lingerMs`
 * the open records are flushed, unless records are already waiting for the producer
 * (then the open ones keep filling up to their bound, so a backlog drains in big
 * records rather than many small ones).
 *
 * @example
 * const buffer = new FrameBuffer({ maxFrames: 100_000, lingerMs: 200, blockMs: 30_000, packer, producer, ... });
 * buffer.add(envelope);     // from the websocket
 * buffer.acknowledge(record, ackedAt); // from the producer
 */
import type { Envelope, PackedRecord } from '../core/records/index.ts';
import type { IngestLogger } from './logger.ts';
import type { IngestMetrics } from './metrics.ts';
import type { Packer } from './packing.ts';
import type { KinesisProducer } from './producer.ts';

export type FrameBufferOptions = {
  readonly maxFrames: number;
  readonly lingerMs: number;
  /** How long reading may stay blocked before frames are shed instead. */
  readonly blockMs: number;
  /** Packs accepted frames; its closed records go to the producer. */
  readonly packer: Packer;
  readonly producer: Pick<KinesisProducer, 'waitingRecords'>;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
  /** Block reading (pause the websocket). */
  readonly pauseReading: () => void;
  /** Unblock reading. */
  readonly resumeReading: () => void;
};

/** Packing backlog (frames) at which reading pauses, and at which it resumes: ~1 s and ~0.25 s of 20,000 frames/s. */
const PACKER_HIGH_FRAMES = 20_000;
const PACKER_LOW_FRAMES = 5_000;

/** Headroom kept below the bound once reading pauses: a share of it, with a floor. */
const HEADROOM_RATIO = 0.1;
const MIN_HEADROOM_FRAMES = 2_000;

export class FrameBuffer {
  readonly pauseAt: number;
  readonly resumeAt: number;
  private depthNow = 0;
  private blocked = false;
  private packerBehind = false;
  private readingPaused = false;
  private shedding = false;
  private shedInEpisode = 0;
  /** Shed episodes so far: the suffix of the connection id of the frames accepted after them. */
  private shedEpisodes = 0;
  private blockTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FrameBufferOptions) {
    const max = options.maxFrames;
    const headroom = Math.min(
      Math.floor(max / 2),
      Math.max(Math.floor(max * HEADROOM_RATIO), MIN_HEADROOM_FRAMES),
    );
    this.pauseAt = Math.max(1, max - headroom);
    this.resumeAt = Math.floor(this.pauseAt / 2);
    options.metrics.bufferMax = options.maxFrames;
  }

  /** Frames accepted and not yet acknowledged by Kinesis. */
  get depth(): number {
    return this.depthNow;
  }

  /** Starts the linger timer. */
  start(): void {
    if (this.lingerTimer) return;
    this.lingerTimer = setInterval(() => this.linger(), this.options.lingerMs);
  }

  /** Takes one data frame; returns false when it was shed. */
  add(envelope: Envelope): boolean {
    const { metrics } = this.options;
    if (this.depthNow >= this.options.maxFrames) {
      this.shed();
      return false;
    }
    this.depthNow++;
    metrics.framesForwarded++;
    metrics.bufferDepth = this.depthNow;
    if (this.depthNow > metrics.bufferPeak) metrics.bufferPeak = this.depthNow;
    this.options.packer.add(
      this.shedEpisodes === 0
        ? envelope
        : { ...envelope, connectionId: `${envelope.connectionId}~${this.shedEpisodes}` },
    );
    if (this.depthNow >= this.pauseAt && !this.blocked && !this.shedding) this.block();
    if (!this.packerBehind && this.options.packer.backlog >= PACKER_HIGH_FRAMES) {
      this.packerBehind = true;
      this.options.logger.debug('packing behind, reading paused', { backlog: this.options.packer.backlog });
      this.updateReading();
    }
    return true;
  }

  /** Called when the packing worker caught up with a batch. */
  packerProgressed(): void {
    if (this.packerBehind && this.options.packer.backlog <= PACKER_LOW_FRAMES) {
      this.packerBehind = false;
      this.updateReading();
    }
  }

  /** Called by the producer for every acknowledged record. */
  acknowledge(record: PackedRecord, ackedAt: number): void {
    const { metrics } = this.options;
    this.depthNow -= record.frames;
    metrics.bufferDepth = this.depthNow;
    for (const receivedAt of record.receivedAts) metrics.ackLatency.record(ackedAt - receivedAt);
    if (this.shedding && this.depthNow < this.pauseAt) this.endShedding();
    if (this.blocked && this.depthNow <= this.resumeAt) this.unblock('buffer drained');
  }

  /** Closes every open record; resolves once they are with the producer (shutdown, schedule stop). */
  flush(): Promise<void> {
    return this.options.packer.flush();
  }

  /** Stops the timers; frames already accepted stay with the producer. */
  stop(): void {
    if (this.lingerTimer) clearInterval(this.lingerTimer);
    if (this.blockTimer) clearTimeout(this.blockTimer);
    this.lingerTimer = undefined;
    this.blockTimer = undefined;
  }

  private linger(): void {
    // Records already waiting: let the open ones grow instead of queueing small ones behind.
    if (this.options.producer.waitingRecords > 0) return;
    void this.flush();
  }

  private block(): void {
    this.blocked = true;
    this.options.metrics.paused = true;
    this.options.logger.warn('buffer nearly full, reading paused', {
      depth: this.depthNow,
      maxFrames: this.options.maxFrames,
      blockSeconds: this.options.blockMs / 1000,
    });
    this.updateReading();
    this.blockTimer = setTimeout(() => {
      this.blockTimer = undefined;
      if (!this.blocked) return;
      this.shedding = true;
      this.shedInEpisode = 0;
      this.unblock('blocked too long');
    }, this.options.blockMs);
  }

  private unblock(reason: string): void {
    this.blocked = false;
    this.options.metrics.paused = false;
    if (this.blockTimer) clearTimeout(this.blockTimer);
    this.blockTimer = undefined;
    this.options.logger.info('reading resumed', { reason, depth: this.depthNow });
    this.updateReading();
  }

  /** Reading is paused while the buffer is blocked or the packer is behind. */
  private updateReading(): void {
    const pause = this.blocked || this.packerBehind;
    if (pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) this.options.pauseReading();
    else this.options.resumeReading();
  }

  private shed(): void {
    this.options.metrics.framesShed++;
    if (!this.shedding) {
      // Full while reading was not blocked by us (frames already in the socket's pipe).
      this.shedding = true;
      this.shedInEpisode = 0;
    }
    if (this.shedInEpisode++ === 0) {
      this.shedEpisodes++;
      this.options.logger.error('buffer full, shedding frames', {
        maxFrames: this.options.maxFrames,
        depth: this.depthNow,
      });
    }
  }

  private endShedding(): void {
    this.shedding = false;
    if (this.shedInEpisode > 0) {
      this.options.logger.error('buffer below bound again, frames were shed', { shed: this.shedInEpisode });
    }
    this.shedInEpisode = 0;
  }
}
