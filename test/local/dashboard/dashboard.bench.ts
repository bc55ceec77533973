/**
 * Dashboard figures on this machine (not part of `npm test`):
 *
 *   node --import tsx test/local/dashboard/dashboard.bench.ts
 *
 * - the overview's scan: a quotes table of the whole market (~1,670 symbols, items as
 *   the transform writes them) read page by page, and the overview computed from it;
 * - push latency: a new quotes row written → the `quote` event received by a stream
 *   client, with the default poll period (500 ms).
 */
import { BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { quoteFromFrame } from '../../../core/derive/quotes.ts';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import { quoteItem } from '../../../functions/transform/sinks/dynamodb-items.ts';
import { computeOverview } from '../../../local/dashboard/overview.ts';
import { TableReader } from '../../../local/dashboard/reader.ts';
import { toQuote } from '../../../local/dashboard/rows.ts';
import { startDashboard } from '../../../local/dashboard/server.ts';
import { dynamoClient } from '../../../local/emulators/clients.ts';
import { startDynamo } from '../../../local/emulators/launch.ts';
import { SyntheticMarket } from '../../../local/simulator/synthetic-market.ts';
import { createNamedTables } from '../../support/aws.ts';
import { openSse } from '../../support/sse-client.ts';

const T0 = Date.parse('2026-04-14T03:00:00Z');
const tables = { trades: 'b-trades', quotes: 'b-quotes', bars: 'b-bars', indices: 'b-indices' };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dynamo = await startDynamo();
const client = dynamoClient({ endpoint: dynamo.endpoint });
try {
  await createNamedTables(client, tables);
  // The last frame of every symbol: draw until each has been drawn (activity is Zipf-like).
  const market = new SyntheticMarket({ seed: 3, clock: () => T0 });
  const last = new Map<string, string>();
  for (let i = 0; i < 2_000_000 && last.size < market.instruments.length; i++) {
    const frame = market.nextFrame();
    if (frame) last.set(frame.symbol, frame.raw);
  }
  const quotes = [...last.values()].map((raw) => {
    const frame = parseFrame(raw);
    if (frame.kind !== 'stock') throw new Error(`not a stock frame: ${raw}`);
    return quoteFromFrame(frame, T0, T0);
  });
  const items = quotes.map(quoteItem);
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tables.quotes]: chunk } }));
  }

  const reader = new TableReader(client, tables);
  const scans: number[] = [];
  const computes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const rows = (await reader.allQuotes()).map(toQuote);
    const scanned = performance.now();
    computeOverview(rows);
    computes.push(performance.now() - scanned);
    scans.push(scanned - started);
  }
  scans.sort((a, b) => a - b);
  computes.sort((a, b) => a - b);
  console.log(`quotes table: ${items.length} items`);
  console.log(`scan + unmarshal: p50 ${ms(percentile(scans, 0.5))}, max ${ms(scans.at(-1) ?? 0)} (10 runs)`);
  console.log(`overview computation: p50 ${ms(percentile(computes, 0.5))}`);

  const dashboard = await startDashboard({ port: 0, client, tables, now: () => Date.now() });
  const stream = await openSse(new URL('/api/stream?symbol=FPT', dashboard.url).href);
  await stream.waitFor((m) => m.event === 'quote');
  const base = quotes.find((q) => q.symbol === 'FPT') ?? quotes[0];
  const latencies: number[] = [];
  for (let i = 1; i <= 20; i++) {
    const totalVolume = (base.totalVolume ?? 0) + i * 100;
    await client.send(
      new PutItemCommand({
        TableName: tables.quotes,
        Item: quoteItem({ ...base, time: T0 + i * 1000, receivedAt: T0 + i * 1000, totalVolume }),
      }),
    );
    const written = performance.now();
    await stream.waitFor(
      (m) =>
        m.event === 'quote' &&
        (m.data as { quote: { totalVolume: number } }).quote.totalVolume === totalVolume,
    );
    latencies.push(performance.now() - written);
    await new Promise((resolve) => setTimeout(resolve, 137 * (i % 4))); // land at different points of the poll
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `row written → quote event: p50 ${ms(percentile(latencies, 0.5))}, p95 ${ms(percentile(latencies, 0.95))}, max ${ms(latencies.at(-1) ?? 0)} (20 writes, poll 500 ms)`,
  );
  stream.close();
  await dashboard.stop();
} finally {
  client.destroy();
  await dynamo.stop();
}
