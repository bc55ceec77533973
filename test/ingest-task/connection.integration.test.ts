import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Envelope } from '../../core/records/index.ts';
import { BROWSER_USER_AGENT, IboardConnection } from '../../ingest-task/connection.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';
import { recordingLogger, sleep, waitFor } from '../support/ingest-stack.ts';
import { startWsFeed, type WsFeed } from '../support/ws-feed.ts';

const SUBSCRIBE = [
  '{"type":"sub","topic":"serverName"}',
  '{"type":"sub","topic":"a"}',
  '{"type":"sub","topic":"b"}',
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  feedOptions: { respondToPing?: boolean } = {},
  options: { pingIntervalMs?: number } = {},
) {
  const feed: WsFeed = await startWsFeed(feedOptions);
  const metrics = new IngestMetrics();
  const logger = recordingLogger();
  const frames: Envelope[] = [];
  const connection = new IboardConnection({
    url: feed.url,
    subscribeMessages: SUBSCRIBE,
    pingIntervalMs: options.pingIntervalMs ?? 60_000,
    watchdogMs: 60_000,
    reconnectBaseMs: 20,
    reconnectMaxMs: 50,
    isMarketOpen: () => false,
    onFrame: (e) => frames.push(e),
    onRejected: () => {},
    metrics,
    logger,
  });
  cleanups.push(async () => {
    await connection.stop();
    await feed.stop();
  });
  return { feed, metrics, logger, frames, connection };
}

describe('IboardConnection', () => {
  it('sends a browser User-Agent and every subscription again on each connection', async () => {
    const { feed, connection, metrics } = await setup();
    connection.start();
    await feed.waitForClients(1);
    await waitFor('subscriptions', () => feed.clients[0].received.length === SUBSCRIBE.length);
    feed.clients[0].socket.terminate();
    await feed.waitForClients(2);
    await waitFor('subscriptions again', () => feed.clients[1].received.length === SUBSCRIBE.length);
    for (const client of feed.clients) {
      assert.equal(client.userAgent, BROWSER_USER_AGENT);
      assert.deepEqual(client.received, SUBSCRIBE);
    }
    assert.equal(metrics.reconnects, 1);
  });

  it('stamps frames with a per-connection sequence and a new connection id after a reconnect', async () => {
    const { feed, connection, frames } = await setup();
    connection.start();
    await feed.waitForClients(1);
    await waitFor('open', () => connection.state === 'open');
    const before = Date.now();
    feed.broadcast('MAIN|S#FPT|1');
    feed.broadcast('MAIN|S#FPT|2');
    await waitFor('two frames', () => frames.length === 2);
    feed.clients[0].socket.close(4000);
    await feed.waitForClients(2);
    await waitFor('open again', () => connection.state === 'open' && feed.clients[1].received.length > 0);
    feed.broadcast('MAIN|S#FPT|3');
    await waitFor('third frame', () => frames.length === 3);
    assert.deepEqual(
      frames.map((f) => f.seq),
      [0, 1, 0],
    );
    assert.equal(frames[0].connectionId, frames[1].connectionId);
    assert.notEqual(frames[1].connectionId, frames[2].connectionId);
    assert.ok(frames[0].receivedAt >= before && frames[0].receivedAt <= Date.now());
  });

  it('drops a socket that stops answering pings, even while the market is closed', async () => {
    const { connection, metrics, logger } = await setup({ respondToPing: false }, { pingIntervalMs: 100 });
    connection.start();
    await waitFor('a reconnect', () => metrics.reconnects >= 1, 3_000);
    const lost = logger.lines.find((l) => l.message === 'connection lost, reconnecting');
    assert.match(String(lost?.details?.reason), /no pong/);
  });

  it('holds reading while paused and delivers the held frames in order on resume', async () => {
    const { feed, connection, frames } = await setup();
    connection.start();
    await feed.waitForClients(1);
    await waitFor('open', () => connection.state === 'open');
    connection.pause();
    for (let i = 0; i < 50; i++) feed.broadcast(`MAIN|S#FPT|${i}`);
    await sleep(200);
    assert.equal(frames.length, 0, 'nothing read while paused');
    connection.resume();
    await waitFor('held frames', () => frames.length === 50);
    assert.deepEqual(
      frames.map((f) => f.raw),
      Array.from({ length: 50 }, (_, i) => `MAIN|S#FPT|${i}`),
    );
  });

  it('holds no socket after stop and does not reconnect', async () => {
    const { feed, connection } = await setup();
    connection.start();
    await feed.waitForClients(1);
    await connection.stop();
    assert.equal(connection.state, 'idle');
    await sleep(150);
    assert.equal(feed.clients.length, 1);
    assert.equal(feed.clients[0].socket.readyState, feed.clients[0].socket.CLOSED);
  });
});
