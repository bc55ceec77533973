/**
 * The status line: what the ingest task, the event source mapping and the tables are
 * doing, sampled every few seconds.
 *
 * `12:03:05 ICT (sim ×1) | ingest open | in 1,987 fr/s | put 4,210 rec / 402,311 fr | rows trades 51,210 quotes 8,112 bars 3,902 indices 610 | lag 0.8 s | rejects 0 | dlq 0`
 *
 * With `--sink both|keyspaces` a `cql` part follows `rows`: the rows the CQL sink wrote
 * to Cassandra (`cql trades 51,210 quotes 8,112 bars 3,902 indices 610`).
 */

import { ictTimeOfDay } from '../../core/market/ict-time.ts';
import type { WriteCounter } from '../emulators/write-counter.ts';
import type { DeadLetterFile } from '../lambda/dead-letter-file.ts';
import type { KinesisEventSource } from '../lambda/event-source-mapping.ts';
import { type EventSourceStats, emptyStats } from '../lambda/event-source-mapping-types.ts';
import type { Clock } from './clock.ts';
import type { CqlRowCounter } from './cql-row-counter.ts';
import type { IngestProcess } from './ingest-child.ts';

/** The part of the ingest task's `/metrics` the status line reads. */
type IngestMetrics = {
  wanted: boolean;
  connection: { state: string };
  frames: { in: number; put: number; shed: number };
  kinesis: { records: number };
  /** Absent from ingest tasks older than the REST fallback. */
  source?: {
    current: string;
    switchesToPolling: number;
    switchesToWebsocket: number;
    /** `v2`, `v1`, `mqtt` or `rest`; absent from ingest tasks older than `IBOARD_PROTOCOL=auto`. */
    active?: string;
    transportSwitches?: number;
  };
};

export type RuntimeStatus = {
  readonly at: number;
  readonly ingest:
    | {
        state: string;
        wanted: boolean;
        framesIn: number;
        framesPut: number;
        recordsPut: number;
        shed: number;
        /** `v2`, `v1`, `mqtt` or `rest` (the snapshot fallback; `websocket` from older tasks), with the switches so far. */
        source: string;
        switches: number;
      }
    | undefined;
  readonly framesPerSecond: number;
  readonly eventSource: EventSourceStats;
  /** Row writes acknowledged by DynamoDB, by table role. */
  readonly rows: Readonly<Record<string, number>>;
  /** Rows written to Cassandra / Keyspaces, by table (only with a CQL sink). */
  readonly cqlRows?: Readonly<Record<string, number>>;
  readonly deadLetters: number;
};

export type StatusSources = {
  readonly clock: Clock;
  readonly ingest: IngestProcess;
  readonly eventSources: readonly KinesisEventSource[];
  readonly writes: WriteCounter;
  /** Present when the transform writes to Cassandra too. */
  readonly cqlWrites?: CqlRowCounter;
  readonly roles: Readonly<Record<string, string>>;
  readonly deadLetters: readonly DeadLetterFile[];
};

export class StatusSampler {
  private last?: { at: number; framesIn: number };

  constructor(private readonly sources: StatusSources) {}

  async sample(): Promise<RuntimeStatus> {
    const { ingest, eventSources, writes, roles, deadLetters } = this.sources;
    const metrics = await ingest.metrics<IngestMetrics>();
    const at = Date.now();
    const framesIn = metrics?.frames.in ?? this.last?.framesIn ?? 0;
    const framesPerSecond =
      this.last && at > this.last.at && framesIn >= this.last.framesIn
        ? ((framesIn - this.last.framesIn) * 1000) / (at - this.last.at)
        : 0;
    this.last = { at, framesIn };
    return {
      at,
      ingest: metrics && {
        state: metrics.connection.state,
        wanted: metrics.wanted,
        framesIn: metrics.frames.in,
        framesPut: metrics.frames.put,
        recordsPut: metrics.kinesis.records,
        shed: metrics.frames.shed,
        source: metrics.source?.active ?? metrics.source?.current ?? 'websocket',
        switches:
          (metrics.source?.switchesToPolling ?? 0) +
          (metrics.source?.switchesToWebsocket ?? 0) +
          (metrics.source?.transportSwitches ?? 0),
      },
      framesPerSecond,
      eventSource: sumStats(eventSources.map((es) => es.stats)),
      rows: Object.fromEntries(Object.entries(roles).map(([role, table]) => [role, writes.total(table)])),
      ...(this.sources.cqlWrites ? { cqlRows: { ...this.sources.cqlWrites.rows } } : {}),
      deadLetters: deadLetters.reduce((n, d) => n + d.written, 0),
    };
  }

  async line(): Promise<string> {
    return formatStatus(await this.sample(), this.sources.clock, this.sources.ingest);
  }
}

export function formatStatus(status: RuntimeStatus, clock: Clock, ingest?: IngestProcess): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const time = ictTimeOfDay(clock.now());
  const clockNote = clock.simulated ? ` (sim ×${clock.speed})` : '';
  const i = status.ingest;
  const ingestState = i
    ? `${i.wanted ? i.state : 'waiting for the schedule'}${sourceNote(i)}`
    : ingest?.running
      ? 'starting'
      : `down${ingest?.lastExit ? ` (exit ${ingest.lastExit.code ?? ingest.lastExit.signal})` : ''}`;
  const perTable = (counts: Readonly<Record<string, number>>) =>
    ['trades', 'quotes', 'bars', 'indices']
      .filter((role) => role in counts)
      .map((role) => `${role} ${n(counts[role])}`)
      .join(' ');
  const rows = perTable(status.rows);
  const es = status.eventSource;
  return [
    `${time} ICT${clockNote}`,
    `ingest ${ingestState}`,
    `in ${n(status.framesPerSecond)} fr/s`,
    `put ${n(i?.recordsPut ?? 0)} rec / ${n(i?.framesPut ?? 0)} fr${i?.shed ? ` (shed ${n(i.shed)})` : ''}`,
    `processed ${n(es.records)} rec / ${n(es.frames)} fr`,
    `rows ${rows || '-'}`,
    ...(status.cqlRows ? [`cql ${perTable(status.cqlRows)}`] : []),
    `lag ${(es.iteratorAgeMs / 1000).toFixed(1)} s`,
    `rejects ${n(status.rows.rejects ?? 0)}${rejectRate(status.rows.rejects ?? 0, es.frames)}`,
    `dlq ${n(status.deadLetters)}`,
  ].join(' | ');
}

/** The rejects as a share of the frames processed: ` (0.02%)`, or nothing before any frame. */
function rejectRate(rejects: number, frames: number): string {
  return frames > 0 ? ` (${((100 * rejects) / frames).toFixed(2)}%)` : '';
}

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  rest: 'REST polling',
  v2: 'V2',
  v1: 'V1',
  mqtt: 'MQTT',
  websocket: 'websocket',
};

/** Where the data comes from now, once it is not plain V2 or the source has ever switched. */
function sourceNote(i: NonNullable<RuntimeStatus['ingest']>): string {
  const plain = i.source === 'websocket' || i.source === 'v2';
  if (i.switches === 0 && plain) return '';
  const now = SOURCE_NAMES[i.source] ?? i.source;
  if (i.switches === 0) return ` (${now})`;
  return ` (${now}, ${i.switches} switch${i.switches === 1 ? '' : 'es'})`;
}

function sumStats(stats: readonly EventSourceStats[]): EventSourceStats {
  const total = emptyStats();
  for (const s of stats) {
    for (const key of Object.keys(total) as (keyof EventSourceStats)[]) {
      total[key] =
        key === 'iteratorAgeMs' || key === 'millisBehindLatest'
          ? Math.max(total[key], s[key])
          : total[key] + s[key];
    }
  }
  return total;
}
