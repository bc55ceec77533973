import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { BROWSER_USER_AGENT } from '../../ingest-task/connection.ts';
import {
  IBOARD_ORIGIN,
  SnapshotClient,
  type SnapshotRequestError,
} from '../../ingest-task/snapshot-client.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB', 'PVS'];

describe('SnapshotClient against the simulator', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ symbols: SYMBOLS, rate: 500, seed: 3 });
    // Let the synthetic market trade a little so totals are not all zero.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  after(() => sim.stop());
  afterEach(() => sim.rest.failNext(0));

  it("reads an exchange as frames whose totals are the market ledger's, with browser headers", async () => {
    const client = new SnapshotClient({ baseUrl: sim.restUrl, retryBaseMs: 10 });
    // The market keeps trading while the request is out: the snapshot lies between the two readings.
    const ledgerBefore = new Map(SYMBOLS.map((symbol) => [symbol, sim.ledger.totals(symbol).volume]));
    const hose = await client.exchange('hose');
    assert.deepEqual(hose.rejected, []);
    const symbols = hose.quotes.map((q) => q.frame.symbol).sort();
    assert.ok(symbols.includes('VCB') && symbols.includes('FPT'), symbols.join());
    for (const { frame, tradingDate } of hose.quotes) {
      assert.equal(frame.exchange, 'hose');
      const truth = sim.ledger.totals(frame.symbol);
      if (truth.date !== undefined) assert.equal(tradingDate, truth.date);
      const volume = frame.totalVolume ?? 0;
      assert.ok(volume >= (ledgerBefore.get(frame.symbol) ?? 0) && volume <= truth.volume, frame.symbol);
    }
    assert.equal(sim.rest.lastHeaders?.['user-agent'], BROWSER_USER_AGENT);
    assert.equal(sim.rest.lastHeaders?.origin, IBOARD_ORIGIN);
    assert.equal(sim.rest.lastHeaders?.referer, `${IBOARD_ORIGIN}/`);
  });

  it('retries a 503 and gets through', async () => {
    const client = new SnapshotClient({ baseUrl: sim.restUrl, retries: 2, retryBaseMs: 10 });
    sim.rest.failNext(2, 503);
    const before = sim.rest.requests;
    const hnx = await client.exchange('hnx');
    assert.equal(sim.rest.requests - before, 3);
    assert.ok(hnx.quotes.length > 0);
  });

  it('gives up after the retries with an error naming the URL, status and attempts', async () => {
    const client = new SnapshotClient({ baseUrl: sim.restUrl, retries: 1, retryBaseMs: 10 });
    sim.rest.failNext(5, 502);
    await assert.rejects(client.exchange('upcom'), (error: SnapshotRequestError) => {
      assert.equal(error.code, 'SNAPSHOT_REQUEST_FAILED');
      assert.equal(error.status, 502);
      assert.equal(error.attempts, 2);
      assert.equal(error.url, `${sim.restUrl}/stock/exchange/upcom`);
      assert.match(
        error.message,
        /GET http:\/\/.+\/stock\/exchange\/upcom failed with HTTP 502 after 2 attempt/,
      );
      return true;
    });
  });

  it('does not retry a 403', async () => {
    const client = new SnapshotClient({ baseUrl: sim.restUrl, retries: 3, retryBaseMs: 10 });
    sim.rest.failNext(1, 403);
    const before = sim.rest.requests;
    await assert.rejects(client.exchange('hose'), { status: 403, attempts: 1 });
    assert.equal(sim.rest.requests - before, 1);
  });
});

describe('SnapshotClient against a broken host', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('times out each attempt of a host that never answers', async () => {
    const base = await serve(() => {});
    const client = new SnapshotClient({ baseUrl: base, timeoutMs: 100, retries: 1, retryBaseMs: 10 });
    await assert.rejects(client.exchange('hose'), (error: SnapshotRequestError) => {
      assert.equal(error.status, undefined);
      assert.equal(error.attempts, 2);
      assert.match(error.message, /no answer within 100 ms/);
      return true;
    });
  });

  it('does not retry an answer that is not a snapshot', async () => {
    let requests = 0;
    const base = await serve((_req, res) => {
      requests++;
      res.end('<html>maintenance</html>');
    });
    const client = new SnapshotClient({ baseUrl: base, retries: 3, retryBaseMs: 10 });
    await assert.rejects(client.exchange('hose'), /HTTP 200 after 1 attempt\(s\): body is not JSON/);
    assert.equal(requests, 1);
  });

  it('names the URL when nothing listens', async () => {
    const base = await serve(() => {});
    server?.close();
    const client = new SnapshotClient({ baseUrl: base, retries: 0 });
    await assert.rejects(client.exchange('hnx'), (error: Error) => {
      assert.match(error.message, new RegExp(`GET ${base}/stock/exchange/hnx failed after 1 attempt`));
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
  });
});
