import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import { stockSubscribeMessages } from '../../../core/iboard/subscribe.ts';
import type { Simulator, SimulatorOptions } from '../../../local/simulator/simulator.ts';
import { startSimulator } from '../../../local/simulator/simulator.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { connect, upgradeOutcome } from '../../support/ws-client.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG'];
let sim: Simulator | undefined;
const clients: TestClient[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ symbols: SYMBOLS, rate: 2000, ...options });
  return sim;
}

async function subscribed(url: string): Promise<TestClient> {
  const c = await connect(url);
  clients.push(c);
  for (const m of stockSubscribeMessages({ generation: 'v2', symbols: SYMBOLS })) c.send(m);
  return c;
}

const stockFrames = (c: TestClient) => c.texts.filter((t) => t.startsWith('MAIN|S#'));

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.stop();
  sim = undefined;
});

describe('fault injection', () => {
  it('cuts every connection after N data frames (knob set at start), with a code when asked', async () => {
    const { url, faults } = await start({ faults: { closeAfterFrames: 40 } });
    const a = await subscribed(url);
    assert.equal(await a.closed, 1006, 'terminated without a close frame');
    assert.equal(stockFrames(a).length, 40);
    faults.set({ closeCode: 4001 });
    const b = await subscribed(url);
    assert.equal(await b.closed, 4001);
    assert.equal(stockFrames(b).length, 40);
  });

  it('cuts every connection when the clock reaches closeAt', async () => {
    let now = Date.parse('2026-04-14T03:00:00Z');
    const { url, faults } = await start({ clock: () => now });
    const a = await subscribed(url);
    const b = await subscribed(url);
    faults.set({ closeAt: now + 60_000 });
    await a.waitFor(() => stockFrames(a).length > 5, 3000, 'frames');
    assert.equal(a.ws.readyState, a.ws.OPEN);
    now += 60_000;
    assert.deepEqual(await Promise.all([a.closed, b.closed]), [1006, 1006]);
    assert.equal(faults.get().closeAt, undefined, 'one-shot');
    const c = await subscribed(url);
    await c.waitFor(() => stockFrames(c).length > 5, 3000, 'a new connection is served');
  });

  it('goes silent for T seconds with the socket open, pongs included, then resumes', async () => {
    const { url, faults, ledger } = await start();
    const c = await subscribed(url);
    await c.waitFor(() => stockFrames(c).length > 10, 3000, 'frames');
    faults.silence(1.5);
    await c.waitFor(() => stockFrames(c).length === ledger.client(1).framesSent, 1000, 'frames in flight');
    const mark = c.texts.length;
    let pong = false;
    c.ws.once('pong', () => {
      pong = true;
    });
    c.ws.ping();
    await sleep(350);
    assert.equal(c.texts.length, mark, 'nothing received while silent');
    assert.equal(pong, false, 'no pong while silent');
    assert.equal(c.ws.readyState, c.ws.OPEN);
    assert.ok(ledger.client(1).droppedSilence > 0);
    await c.waitFor(() => c.texts.length > mark + 10, 3000, 'frames after the silence');
  });

  it('pauses a replay during a silence and resumes where it stopped', async () => {
    const { writeSessionFixture } = await import('../../support/recorded-session.ts');
    const fixture = writeSessionFixture({ frames: 200, stepMs: 3 });
    try {
      const { url, faults } = await start({
        replay: fixture.path,
        speed: 1,
        symbols: undefined,
        rate: undefined,
      });
      const c = await connect(url);
      clients.push(c);
      for (const m of stockSubscribeMessages({ generation: 'v2', symbols: fixture.symbols })) c.send(m);
      await c.waitFor(() => stockFrames(c).length > 20, 3000, 'frames');
      faults.silence(0.3);
      const expected = fixture.dataLines.filter((l) => l.startsWith('MAIN|S#') || l.startsWith('M#'));
      await c.waitFor(() => c.texts.length - 1 >= expected.length, 5000, 'whole file');
      assert.deepEqual(c.texts.slice(1), expected);
    } finally {
      fixture.remove();
    }
  });

  it('refuses new connections for T seconds (HTTP 503 or a reset), then accepts', async () => {
    const { url, faults, ledger } = await start();
    faults.refuse(0.6);
    assert.equal(await upgradeOutcome(url, 'Mozilla/5.0'), 503);
    await sleep(650);
    assert.equal(await upgradeOutcome(url, 'Mozilla/5.0'), 101);
    faults.refuse(0.6, 'reset');
    assert.equal(await upgradeOutcome(url, 'Mozilla/5.0'), 'ECONNRESET');
    assert.deepEqual([ledger.upgradesRejected[503], ledger.upgradesRejected.reset], [1, 1]);
  });

  it('sends malformed frames at the rate asked, counted in the ledger', async () => {
    const { url, faults, ledger } = await start();
    faults.set({ malformedRate: 1, oversizedBytes: 300_000 });
    const c = await subscribed(url);
    // Kinds come in turn (field-count, garbage, binary, oversized): 11 binaries mean at least
    // 10 of every kind were sent, whenever the silence below lands.
    await c.waitFor(() => c.binaries.length >= 11, 3000, 'frames');
    faults.silence(10);
    const counts = ledger.client(1).malformed;
    const valid = () => c.texts.filter((t) => parseFrame(t).kind === 'stock').length;
    const arrived = () => valid() === ledger.client(1).framesSent && c.binaries.length === counts.binary;
    await c.waitFor(arrived, 5000, 'frames in flight');
    const total = counts['field-count'] + counts.garbage + counts.binary + counts.oversized;
    assert.equal(total, ledger.client(1).framesSent, 'one malformed frame before each data frame');
    assert.ok(
      counts['field-count'] >= 10 && counts.garbage >= 10 && counts.binary >= 10 && counts.oversized >= 10,
    );
    assert.equal(c.binaries.length, counts.binary);
    const rejected = c.texts.filter((t) => !t.startsWith('Subscribed') && parseFrame(t).kind === 'rejected');
    assert.equal(rejected.length, counts['field-count'] + counts.garbage + counts.oversized);
    assert.equal(c.texts.filter((t) => t.length === 300_000).length, counts.oversized);
  });

  it('alters stock frames (field appended, junk in an unused field) that still parse, counted in the ledger', async () => {
    const { url, faults, ledger } = await start({ faults: { extraFieldRate: 0.3, junkFieldRate: 0.3 } });
    const c = await subscribed(url);
    await c.waitFor(() => ledger.client(1).altered['junk-field'] >= 20, 3000, 'altered frames');
    faults.silence(10);
    await c.waitFor(() => stockFrames(c).length === ledger.client(1).framesSent, 3000, 'frames in flight');
    const frames = stockFrames(c).map((t) => ({ raw: t, frame: parseFrame(t) }));
    assert.ok(
      frames.every((f) => f.frame.kind === 'stock'),
      'every altered frame is still a stock frame',
    );
    const extra = frames.filter((f) => f.raw.split('|').length === 103);
    const junk = frames.filter((f) => /^(1:2|-)$/.test(f.raw.split('|')[71]) || f.raw.split('|')[99] === '-');
    assert.equal(extra.length, ledger.client(1).altered['extra-field']);
    assert.equal(junk.length, ledger.client(1).altered['junk-field']);
    assert.ok(extra.length >= 10);
    assert.ok(
      junk.some((f) => f.raw.split('|')[71] === '1:2') && junk.some((f) => f.raw.split('|')[99] === '-'),
    );
  });

  it('skews field 101 for connections accepted while serverTimeSkewMs is set', async () => {
    let now = Date.parse('2026-04-14T03:00:00Z');
    const { url, faults, ledger } = await start({ clock: () => now });
    faults.set({ serverTimeSkewMs: 1500 });
    const skewed = await subscribed(url);
    await skewed.waitFor(() => stockFrames(skewed).length > 0, 3000, 'frames');
    faults.set({ serverTimeSkewMs: undefined });
    const plain = await subscribed(url);
    await plain.waitFor(() => stockFrames(plain).length > 0, 3000, 'frames');
    now += 1;
    const time = (c: TestClient) =>
      (parseFrame(stockFrames(c).at(-1) ?? '') as { serverTime?: number }).serverTime;
    await skewed.waitFor(() => time(skewed) === now + 1500, 3000, 'a frame at the new time');
    await plain.waitFor(() => time(plain) === now, 3000, 'a frame at the new time');
    assert.deepEqual([ledger.client(1).serverTimeSkewMs, ledger.client(2).serverTimeSkewMs], [1500, 0]);
  });

  it('switches the User-Agent check at run time', async () => {
    const { url, faults } = await start();
    assert.equal(await upgradeOutcome(url, 'node'), 403);
    faults.set({ rejectLibraryUserAgents: false });
    assert.equal(await upgradeOutcome(url, 'node'), 101);
    assert.equal(await upgradeOutcome(url, null), 101);
  });
});
