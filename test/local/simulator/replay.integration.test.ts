import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { indexSubscribeMessage, stockSubscribeMessages } from '../../../core/iboard/subscribe.ts';
import type { Simulator } from '../../../local/simulator/simulator.ts';
import { startSimulator } from '../../../local/simulator/simulator.ts';
import { writeSessionFixture } from '../../support/recorded-session.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { connect } from '../../support/ws-client.ts';

const small = writeSessionFixture({ frames: 300, stepMs: 2 });
let sim: Simulator | undefined;
const clients: TestClient[] = [];

async function subscribedClient(
  url: string,
  symbols: readonly string[],
  indices = ['VNINDEX'],
): Promise<TestClient> {
  const c = await connect(url);
  clients.push(c);
  for (const m of stockSubscribeMessages({ generation: 'v2', symbols })) c.send(m);
  c.send(indexSubscribeMessage({ generation: 'v2', indices }));
  return c;
}

const data = (c: TestClient) => c.texts.filter((t) => !t.startsWith('Subscribed '));

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.stop();
  sim = undefined;
});
after(() => small.remove());

describe('replay', () => {
  it('sends the file frames in the file order, as fast as the client reads', async () => {
    sim = await startSimulator({ replay: small.path, speed: Number.POSITIVE_INFINITY });
    const c = await subscribedClient(sim.url, small.symbols);
    await c.waitFor(() => data(c).length >= small.dataLines.length, 5000, 'all frames');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(data(c), small.dataLines);
  });

  it('keeps the recorded pace, or N times faster', async () => {
    const span = small.lastT - small.firstT; // 598 ms
    for (const [speed, min, max] of [
      [1, span * 0.9, span * 5],
      [10, 0, span * 0.75],
    ]) {
      sim = await startSimulator({ replay: small.path, speed });
      const c = await subscribedClient(sim.url, small.symbols);
      await c.waitFor(() => data(c).length >= 1, 3000, 'first frame');
      const started = Date.now();
      await c.waitFor(() => data(c).length >= small.dataLines.length, 5000, 'all frames');
      const took = Date.now() - started;
      assert.ok(took >= min && took <= max, `speed ${speed}: ${took} ms for a ${span} ms recording`);
      assert.deepEqual(data(c), small.dataLines);
      await c.close();
      await sim.stop();
    }
  });

  it('starts the file over for each client and filters by its subscriptions', async () => {
    sim = await startSimulator({ replay: small.path, speed: Number.POSITIVE_INFINITY });
    const a = await subscribedClient(sim.url, small.symbols);
    await a.waitFor(() => data(a).length >= small.dataLines.length, 5000, 'client a');
    const only = small.symbols[0];
    const b = await subscribedClient(sim.url, [only], []);
    const expected = small.dataLines.filter((l) => l.startsWith(`MAIN|S#${only}|`) || l.startsWith('M#'));
    await b.waitFor(() => data(b).length >= expected.length, 5000, 'client b');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(data(b), expected);
  });

  it('loops with the server times shifted forward by one period', async () => {
    sim = await startSimulator({ replay: small.path, speed: Number.POSITIVE_INFINITY, loop: true });
    const c = await subscribedClient(sim.url, small.symbols);
    const n = small.dataLines.length;
    await c.waitFor(() => data(c).length >= 2 * n, 5000, 'two loops');
    const [first, second] = [data(c).slice(0, n), data(c).slice(n, 2 * n)];
    const period = small.lastT - small.firstT + 1000;
    for (let i = 0; i < n; i++) {
      const a = first[i].split('|');
      const b = second[i].split('|');
      if (a.length === 102) {
        assert.equal(Number(b[101]), Number(a[101]) + period);
        assert.deepEqual(b.slice(0, 101), a.slice(0, 101));
      } else if (first[i].startsWith('I#')) {
        assert.equal(Number(b[13]), Number(a[13]) + period);
      } else {
        assert.equal(second[i], first[i]);
      }
    }
  });

  it('waits for a client that stops reading instead of buffering the whole file', async () => {
    const big = writeSessionFixture({ frames: 40_000, stepMs: 1, symbols: 4 });
    try {
      sim = await startSimulator({ replay: big.path, speed: Number.POSITIVE_INFINITY });
      const c = await subscribedClient(sim.url, big.symbols);
      // Pause in the handler of the first data frame, not after a polling interval: at full
      // speed a poll on a loaded machine lets tens of thousands of frames through first.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no first frame within 3 s')), 3000);
        const onMessage = (raw: unknown) => {
          if (String(raw).startsWith('Subscribed ')) return;
          c.ws.pause();
          c.ws.off('message', onMessage);
          clearTimeout(timer);
          resolve();
        };
        c.ws.on('message', onMessage);
      });
      await new Promise((r) => setTimeout(r, 400));
      const sentWhilePaused = sim.ledger.client(1).framesSent;
      assert.ok(
        sentWhilePaused < big.dataLines.length / 2,
        `${sentWhilePaused} of ${big.dataLines.length} sent to a paused client`,
      );
      c.ws.resume();
      await c.waitFor(() => data(c).length >= big.dataLines.length, 15_000, 'all frames after resuming');
      assert.deepEqual(data(c), big.dataLines);
    } finally {
      big.remove();
    }
  });
});
