/**
 * `IBOARD_PROTOCOL=auto` (the default): V2 first, the other live transport when the one in
 * use fails. It holds one V2 websocket connection and one MQTT connection (both made by the
 * caller) and runs exactly one of them at a time; the REST fallback (`snapshot-fallback.ts`)
 * keeps watching the pushed data and covers both.
 *
 * It switches to the other transport when the current one
 * - failed to open `refusalsBeforeSwitch` times in a row (an upgrade answered 403/503, a
 *   reset, a timeout: the connection never opened), or
 * - delivered no pushed data frame for `watchdogMs` while ingestion runs, reading is not
 *   paused by us and the calendar says the market trades.
 * Every switch starts a new connection (its own id, sequence from 0), so the derivation
 * books the jump between the two feeds as a gap, never as a trade. Switches are logged,
 * counted and visible (`/metrics` `source.transport` / `source.active`, the status line, EMF).
 *
 * @example
 * const auto = new AutoConnection({ connections: { v2, mqtt }, watchdogMs: 60_000, ... });
 * auto.start(); auto.reportOpenFailed('v2', 'Unexpected server response: 403'); await auto.stop();
 */
import type { IngestLogger } from './logger.ts';
import type { IngestMetrics, LiveTransport } from './metrics.ts';

/** What the auto connection needs of each transport's connection. */
export type TransportConnection = {
  start(): void;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
};

export type AutoTransport = Extract<LiveTransport, 'v2' | 'mqtt'>;

export type AutoConnectionOptions = {
  readonly connections: Readonly<Record<AutoTransport, TransportConnection>>;
  /** Silence (no pushed data frame) in trading hours that moves to the other transport. */
  readonly watchdogMs: number;
  /** Failures to open in a row that move to the other transport. @default 3 */
  readonly refusalsBeforeSwitch?: number;
  readonly isMarketOpen: () => boolean;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
  /** How often silence is checked. @default min(1 s, watchdogMs / 4) */
  readonly checkMs?: number;
};

export const DEFAULT_REFUSALS_BEFORE_SWITCH = 3;

const OTHER: Readonly<Record<AutoTransport, AutoTransport>> = { v2: 'mqtt', mqtt: 'v2' };

export class AutoConnection {
  private current: AutoTransport = 'v2';
  private wanted = false;
  private paused = false;
  private failedInARow = 0;
  private quietSince = 0;
  private checkTimer: NodeJS.Timeout | undefined;
  private switching: Promise<void> = Promise.resolve();

  constructor(private readonly options: AutoConnectionOptions) {
    options.metrics.transport = this.current;
  }

  get transport(): AutoTransport {
    return this.current;
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.quietSince = Date.now();
    this.failedInARow = 0;
    const every = this.options.checkMs ?? Math.max(10, Math.min(1_000, this.options.watchdogMs / 4));
    this.checkTimer = setInterval(() => this.check(), every);
    this.options.connections[this.current].start();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    clearInterval(this.checkTimer);
    this.checkTimer = undefined;
    await this.switching;
    await this.options.connections[this.current].stop();
  }

  pause(): void {
    this.paused = true;
    this.options.connections[this.current].pause();
  }

  resume(): void {
    this.paused = false;
    this.quietSince = Date.now();
    this.options.connections[this.current].resume();
  }

  /** A connection of `transport` opened: its failures in a row start again from 0. */
  reportOpened(transport: AutoTransport): void {
    if (transport === this.current) this.failedInARow = 0;
  }

  /** A connection of `transport` closed without ever opening (refused, reset, timed out). */
  reportOpenFailed(transport: AutoTransport, reason: string): void {
    if (transport !== this.current || !this.wanted) return;
    this.failedInARow++;
    const limit = this.options.refusalsBeforeSwitch ?? DEFAULT_REFUSALS_BEFORE_SWITCH;
    if (this.failedInARow >= limit) {
      this.switchTo(OTHER[transport], `${this.failedInARow} connection attempts in a row failed (${reason})`);
    }
  }

  /** One pass of the silence check (also run by the timer). */
  check(now = Date.now()): void {
    if (!this.wanted) return;
    if (this.paused || !this.options.isMarketOpen()) {
      this.quietSince = now;
      return;
    }
    const lastData = this.options.metrics.lastDataFrameAt;
    if (lastData > this.quietSince) this.quietSince = lastData;
    if (now - this.quietSince >= this.options.watchdogMs) {
      const seconds = ((now - this.quietSince) / 1000).toFixed(1);
      this.switchTo(OTHER[this.current], `no data frame for ${seconds} s while the market trades`);
    }
  }

  private switchTo(next: AutoTransport, reason: string): void {
    const previous = this.current;
    const { metrics, logger, connections } = this.options;
    this.current = next;
    this.failedInARow = 0;
    this.quietSince = Date.now();
    metrics.transport = next;
    metrics.transportSwitches++;
    logger.warn('switching the live transport', { from: previous, to: next, reason });
    this.switching = this.switching.then(async () => {
      await connections[previous].stop();
      // The schedule may have stopped ingestion, or another switch happened, meanwhile.
      if (!this.wanted || this.current !== next) return;
      connections[next].start();
      if (this.paused) connections[next].pause();
    });
  }
}
