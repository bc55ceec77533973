/**
 * Probes for the end-to-end benchmark: receipt-to-row latency read from the trades
 * table, the resident memory of a process tree, percentiles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';

/** Resident set size in bytes of `pid` and all its descendants (Linux /proc). */
export function treeRssBytes(pid: number): { total: number; byCommand: Record<string, number> } {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent pid; the command (field 2) may contain spaces, so split after ')'.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(after[1]));
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
      commands.set(
        Number(entry),
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
      );
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const p of tree) {
    const bytes = rss.get(p) ?? 0;
    total += bytes;
    const label = label_(p === pid ? 'runtime' : (commands.get(p) ?? '?'));
    byCommand[label] = (byCommand[label] ?? 0) + bytes;
  }
  return { total, byCommand };
}

function label_(command: string): string {
  if (command === 'runtime') return 'runtime (router, event source, transform, scheduler, simulator)';
  if (command.includes('emulator-main.mjs kinesis')) return 'kinesalite';
  if (command.includes('emulator-main.mjs dynamodb')) return 'dynalite';
  if (command.includes('ingest-task/main.ts')) return 'ingest task';
  return command.slice(0, 60);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Watches the trades rows of some symbols appear. A row's frame was received (by the
 * ingest task) at `time − clockOffset` real ms, `time` being the frame's server time on
 * the simulated clock; the row is readable when a Query first returns it. The poll
 * period bounds the error: each sample is late by 0..periodMs.
 */
export class TradeLatencyProbe {
  readonly samples: number[] = [];
  private readonly lastSk = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly partitions: readonly string[],
    private readonly clockOffsetMs: number,
    readonly periodMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(this.partitions.map((pk) => this.pollOne(pk)));
    } catch {
      // A failed poll is a missed sample, not a failed benchmark.
    } finally {
      this.busy = false;
    }
  }

  private async pollOne(pk: string): Promise<void> {
    const first = !this.lastSk.has(pk);
    const after = this.lastSk.get(pk);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: after ? 'pk = :pk AND sk > :sk' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk }, ...(after ? { ':sk': { S: after } } : {}) },
        ProjectionExpression: 'sk, #t',
        ExpressionAttributeNames: { '#t': 'time' },
      }),
    );
    const now = Date.now();
    const items = out.Items ?? [];
    // The first poll of a partition finds rows of unknown age: it only sets the mark.
    if (!first) {
      for (const item of items) {
        const receivedAt = Number(item.time?.N) - this.clockOffsetMs;
        this.samples.push(now - receivedAt);
      }
    }
    const last = items.at(-1)?.sk?.S;
    if (last) this.lastSk.set(pk, last);
    else if (first) this.lastSk.set(pk, '');
  }
}
