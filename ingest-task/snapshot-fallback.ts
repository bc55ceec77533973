/**
 * The REST fallback: when the websocket has delivered no data frame for `fallbackAfterMs`
 * while ingestion is wanted and the calendar says the market trades, poll iboard's
 * whole-exchange snapshot every `pollMs` and put the subscribed symbols' rows into the
 * stream as polled frames (`P#MAIN|S#FPT|...`, `formatPolledFrame`), so quotes stay fresh
 * and the volume is accounted for (the derivation books growth between polled frames as
 * `gap` rows, never as trades). As soon as the websocket delivers a data frame again,
 * polling stops. Both switches are logged, counted (`/metrics` `source`) and shown on the
 * status line.
 *
 * - Level-triggered: a check every `checkMs` compares the state with what the clock,
 *   the schedule and the last pushed frame imply, so a missed edge heals by itself.
 * - Each polling period is a connection of its own (`<prefix>-poll-<n>`, sequence from 0):
 *   a switch of source is a new connection, hence a gap for the derivation.
 * - Within a period a symbol's frame is forwarded only when it changed since the last
 *   poll (a snapshot of 1,600 symbols every 5 s would otherwise repeat itself).
 * - A failed poll (the client already retried) is logged once per outage and counted;
 *   the next poll tries again.
 *
 * @example
 * const fallback = new SnapshotFallback({ client, symbols, fallbackAfterMs: 120_000, pollMs: 5_000, ... });
 * fallback.start(); ... fallback.stop();
 */
import { randomBytes } from 'node:crypto';
import { formatPolledFrame } from '../core/iboard/format-frame.ts';
import type { SnapshotExchange } from '../core/iboard/snapshot.ts';
import { SNAPSHOT_EXCHANGES } from '../core/iboard/snapshot.ts';
import { exchangeOf } from '../core/iboard/symbols.ts';
import type { Envelope } from '../core/records/index.ts';
import type { IngestLogger } from './logger.ts';
import type { IngestMetrics } from './metrics.ts';
import type { SnapshotClient } from './snapshot-client.ts';

export type SnapshotFallbackOptions = {
  readonly client: Pick<SnapshotClient, 'exchange'>;
  /** The subscribed symbols; those of exchanges without a snapshot (derivatives) are not polled. */
  readonly symbols: readonly string[];
  readonly fallbackAfterMs: number;
  readonly pollMs: number;
  /** Whether ingestion is wanted now (the schedule gate). */
  readonly isWanted: () => boolean;
  /** Whether the market trades now (the calendar). */
  readonly isMarketOpen: () => boolean;
  readonly onFrame: (envelope: Envelope) => void;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
  /** How often the state is checked. @default min(1 s, fallbackAfterMs / 4, pollMs / 2) */
  readonly checkMs?: number;
};

export class SnapshotFallback {
  private readonly idPrefix = randomBytes(4).toString('hex');
  private readonly exchanges: ReadonlyMap<SnapshotExchange, ReadonlySet<string>>;
  private checkTimer: NodeJS.Timeout | undefined;
  private quietSince = Date.now();
  private period: { id: string; startedAt: number; seq: number; last: Map<string, string> } | undefined;
  private periods = 0;
  private nextPollAt = 0;
  private polling = false;
  private failing = false;

  constructor(private readonly options: SnapshotFallbackOptions) {
    const byExchange = new Map<SnapshotExchange, Set<string>>();
    for (const symbol of options.symbols) {
      const exchange = exchangeOf(symbol) as string;
      if (!SNAPSHOT_EXCHANGES.includes(exchange as SnapshotExchange)) continue;
      const set = byExchange.get(exchange as SnapshotExchange) ?? new Set<string>();
      set.add(symbol);
      byExchange.set(exchange as SnapshotExchange, set);
    }
    this.exchanges = byExchange;
  }

  /** True while the snapshot is the source. */
  get active(): boolean {
    return this.period !== undefined;
  }

  start(): void {
    if (this.checkTimer || this.exchanges.size === 0) return;
    const { fallbackAfterMs, pollMs } = this.options;
    const every = this.options.checkMs ?? Math.max(10, Math.min(1_000, fallbackAfterMs / 4, pollMs / 2));
    this.quietSince = Date.now();
    this.checkTimer = setInterval(() => this.check(), every);
  }

  stop(): void {
    clearInterval(this.checkTimer);
    this.checkTimer = undefined;
    if (this.period) this.switchBack('stopped');
  }

  /** One pass: decides the source and polls when a poll is due. */
  check(now = Date.now()): void {
    const { metrics, isWanted, isMarketOpen, fallbackAfterMs } = this.options;
    if (!isWanted() || !isMarketOpen()) {
      this.quietSince = now;
      if (this.period) this.switchBack(isWanted() ? 'market closed' : 'ingestion not wanted');
      return;
    }
    const lastData = metrics.lastDataFrameAt;
    if (lastData > this.quietSince) this.quietSince = lastData;
    if (this.period) {
      if (lastData > this.period.startedAt) this.switchBack('websocket delivers again');
      else if (now >= this.nextPollAt) void this.poll(now);
      return;
    }
    if (now - this.quietSince >= fallbackAfterMs) {
      this.switchToPolling(now);
      void this.poll(now);
    }
  }

  private switchToPolling(now: number): void {
    const { metrics, logger } = this.options;
    this.period = { id: `${this.idPrefix}-poll-${++this.periods}`, startedAt: now, seq: 0, last: new Map() };
    metrics.source = 'rest';
    metrics.switchesToPolling++;
    logger.warn('websocket silent while the market trades, polling the REST snapshot', {
      silentSeconds: (now - this.quietSince) / 1000,
      pollSeconds: this.options.pollMs / 1000,
      connectionId: this.period.id,
    });
  }

  private switchBack(reason: string): void {
    const { metrics, logger } = this.options;
    const period = this.period;
    this.period = undefined;
    metrics.source = 'websocket';
    metrics.switchesToWebsocket++;
    logger.info('REST polling stopped, the websocket is the source', {
      reason,
      connectionId: period?.id,
      polledFrames: period?.seq,
    });
  }

  private async poll(now: number): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    this.nextPollAt = now + this.options.pollMs;
    const { metrics, logger } = this.options;
    try {
      const results = await Promise.allSettled(
        [...this.exchanges.keys()].map((exchange) => this.options.client.exchange(exchange)),
      );
      metrics.polls++;
      const failures = results.filter((r) => r.status === 'rejected');
      if (failures.length > 0) {
        metrics.pollErrors++;
        if (!this.failing) {
          logger.warn('REST snapshot poll failed', { reason: String((failures[0].reason as Error).message) });
        }
      } else if (this.failing) logger.info('REST snapshot poll works again');
      this.failing = failures.length > 0;
      // The period may have ended (websocket back, schedule) while the requests were out.
      const period = this.period;
      if (!period) return;
      const subscribedSets = [...this.exchanges.values()];
      results.forEach((result, i) => {
        if (result.status !== 'fulfilled') return;
        const subscribed = subscribedSets[i];
        for (const rejection of result.value.rejected) {
          if (rejection.symbol !== undefined && !subscribed.has(rejection.symbol)) continue;
          // Every one of the first ten, then one in a hundred: visible, never a flood.
          const count = ++metrics.polledRowsRejected;
          if (count <= 10 || count % 100 === 0) {
            logger.warn('REST snapshot row not usable', { ...rejection, rejectedSoFar: count });
          }
        }
        for (const { frame } of result.value.quotes) {
          if (!subscribed.has(frame.symbol)) continue;
          const raw = formatPolledFrame({ ...frame, polled: true });
          if (period.last.get(frame.symbol) === raw) continue;
          period.last.set(frame.symbol, raw);
          this.options.onFrame({ raw, receivedAt: Date.now(), connectionId: period.id, seq: period.seq++ });
        }
      });
    } finally {
      this.polling = false;
    }
  }
}
