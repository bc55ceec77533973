/**
 * The baseline of `bench/ingest.bench.ts`: what the Kafka original did per message, on
 * Kinesis — one PutRecord per websocket frame (partition key = the symbol), up to 64
 * requests in flight, frames waiting in an unbounded queue. Same websocket, same SDK
 * client and keep-alive handler as the ingest task, so only the producing differs.
 *
 * Run as a child process: `tsx bench/naive-producer.ts <ws-url> <stream> <kinesis-endpoint>`.
 * Prints one JSON line of counters every 500 ms, and exits on SIGTERM.
 */
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import WebSocket from 'ws';
import { subscribeAllMessages } from '../core/iboard/subscribe.ts';
import { allSymbols } from '../core/iboard/symbols.ts';
import { instrumentOf } from '../core/records/index.ts';
import { BROWSER_USER_AGENT } from '../ingest-task/connection.ts';
import { LatencyHistogram } from '../ingest-task/histogram.ts';
import { createKinesisClient } from '../ingest-task/kinesis-client.ts';

const [url, stream, endpoint] = process.argv.slice(2);
const MAX_IN_FLIGHT = 64;
const client = createKinesisClient({
  region: process.env.AWS_REGION ?? 'ap-southeast-1',
  endpoint,
  maxSockets: 64,
});
const queue: Array<{ raw: string; receivedAt: number }> = [];
const latency = new LatencyHistogram();
let received = 0;
let acked = 0;
let bytes = 0;
let inFlight = 0;

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const frame = queue.shift() as { raw: string; receivedAt: number };
    const data = Buffer.from(frame.raw);
    inFlight++;
    client
      .send(
        new PutRecordCommand({
          StreamName: stream,
          Data: data,
          PartitionKey: instrumentOf(frame.raw) ?? 'misc',
        }),
      )
      .then(
        () => {
          acked++;
          bytes += data.length;
          latency.record(Date.now() - frame.receivedAt);
        },
        () => queue.unshift(frame),
      )
      .finally(() => {
        inFlight--;
        pump();
      });
  }
}

const ws = new WebSocket(url, { headers: { 'User-Agent': BROWSER_USER_AGENT } });
ws.on('open', () => {
  for (const message of subscribeAllMessages({ generation: 'v2', symbols: allSymbols() })) ws.send(message);
});
ws.on('message', (data: Buffer) => {
  const receivedAt = Date.now();
  const raw = data.toString();
  if (raw.startsWith('{') || raw.startsWith('Subscribed')) return;
  received++;
  queue.push({ raw, receivedAt });
  pump();
});

const report = setInterval(() => {
  const { p50, p99 } = latency.snapshot();
  process.stdout.write(`${JSON.stringify({ received, acked, bytes, queued: queue.length, p50, p99 })}\n`);
}, 500);

process.on('SIGTERM', () => {
  clearInterval(report);
  ws.terminate();
  client.destroy();
  process.exit(0);
});
