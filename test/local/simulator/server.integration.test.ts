import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import {
  indexSubscribeMessage,
  initMessage,
  serverNameMessage,
  sessionSubscribeMessage,
  stockSubscribeMessages,
  unsubscribeOf,
} from '../../../core/iboard/subscribe.ts';
import { stockIdOf } from '../../../core/iboard/symbols.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import type { Simulator } from '../../../local/simulator/simulator.ts';
import { startSimulator } from '../../../local/simulator/simulator.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { connect, upgradeOutcome } from '../../support/ws-client.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHS', 'ACB'];
let sim: Simulator | undefined;
const clients: TestClient[] = [];

async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  sim = await startSimulator({ symbols: SYMBOLS, rate: 3000, ...options });
  return sim;
}

async function client(url: string): Promise<TestClient> {
  const c = await connect(url);
  clients.push(c);
  return c;
}

const stockSymbols = (c: TestClient) =>
  c.texts
    .filter((t) => t.includes('|S#') || t.startsWith('S#'))
    .map((t) => (parseFrame(t) as StockFrame).symbol);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.stop();
  sim = undefined;
});

describe('simulator server (V2)', () => {
  it('acknowledges each subscription with the plain-text iboard ack and answers init and serverName', async () => {
    const { url } = await start();
    const c = await client(url);
    c.send(initMessage());
    c.send(serverNameMessage());
    for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB'] })) c.send(m);
    c.send(indexSubscribeMessage({ generation: 'v2' }));
    c.send(sessionSubscribeMessage({ generation: 'v2' }));
    c.send('{"type":"sub","topic":"nope"}');
    c.send('not json');
    await c.waitFor(() => c.texts.filter((t) => !t.includes('#')).length >= 8, 3000, 'control replies');
    assert.deepEqual(
      c.texts.filter((t) => !t.includes('#')),
      [
        '{"type":"ack"}',
        'Subscribed serverName',
        '{"serverName":"iboard-simulator"}',
        'Subscribed stockRealtimeBySymbolsAndBoards',
        'Subscribed notifyIndexRealtimeByListV2',
        'Subscribed notifySessionByListV2',
        '{"error":"topic nope is not served by this v2 server"}',
        '{"error":"not JSON"}',
      ],
    );
  });

  it('sends each client only the symbols it subscribed to, as full V2 snapshots', async () => {
    const { url } = await start();
    const a = await client(url);
    const b = await client(url);
    for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB', 'FPT'] })) a.send(m);
    for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['HPG'] })) b.send(m);
    await a.waitFor(() => stockSymbols(a).length > 20 && stockSymbols(b).length > 5, 5000, 'frames');
    assert.deepEqual(new Set(stockSymbols(a)), new Set(['VCB', 'FPT']));
    assert.deepEqual(new Set(stockSymbols(b)), new Set(['HPG']));
    const frame = parseFrame(a.texts.find((t) => t.startsWith('MAIN|S#')) ?? '') as StockFrame;
    assert.equal(frame.fieldCount, 102);
    assert.ok(Math.abs((frame.serverTime ?? 0) - Date.now()) < 5000);
    assert.ok(
      a.texts.every((t) => !t.startsWith('I#')),
      'no index frames without an index subscription',
    );
    // The ledger saw what each client saw: stop sending, let frames in flight arrive, compare.
    sim!.faults.silence(10);
    const ledger = sim!.ledger;
    await a.waitFor(
      () =>
        stockSymbols(a).length === ledger.client(1).framesSent &&
        stockSymbols(b).length === ledger.client(2).framesSent,
      5000,
      'frames in flight',
    );
    assert.deepEqual(sim!.ledger.clientIds(), [1, 2]);
    assert.ok(sim!.clients().every((info) => info.userAgent?.startsWith('Mozilla/')));
    assert.equal(sim!.ledger.lastFrame(1, 'VCB'), a.texts.filter((t) => t.startsWith('MAIN|S#VCB|')).at(-1));
    assert.equal(sim!.ledger.lastFrame(2, 'HPG'), b.texts.filter((t) => t.startsWith('MAIN|S#HPG|')).at(-1));
    assert.equal(sim!.ledger.client(1).framesSent, stockSymbols(a).length);
    assert.equal(sim!.ledger.client(2).framesSent, stockSymbols(b).length);
  });

  it('honours unsubscribe', async () => {
    const { url } = await start();
    const c = await client(url);
    const [sub] = stockSubscribeMessages({ generation: 'v2', symbols: ['VCB', 'FPT'] });
    c.send(sub);
    await c.waitFor(() => stockSymbols(c).includes('FPT'), 3000, 'FPT frames');
    c.send(unsubscribeOf(stockSubscribeMessages({ generation: 'v2', symbols: ['FPT'] })[0]));
    await c.waitFor(() => c.texts.some((t) => t.includes('"type":"unsub"')), 3000, 'unsub reply');
    const mark = c.texts.length;
    await new Promise((r) => setTimeout(r, 300));
    const after = c.texts.slice(mark).filter((t) => t.startsWith('MAIN|S#'));
    assert.ok(after.length > 0, 'still gets VCB');
    assert.ok(
      after.every((t) => t.startsWith('MAIN|S#VCB|')),
      'no FPT after unsubscribing',
    );
    assert.equal(
      c.texts.find((t) => t.includes('unsub')),
      '{"result":"complete","type":"unsub","topic":"stockRealtimeBySymbolsAndBoards"}',
    );
  });

  it('sends index frames to index subscribers only', async () => {
    const { url } = await start({ indexIntervalMs: 50 });
    const a = await client(url);
    const b = await client(url);
    a.send(indexSubscribeMessage({ generation: 'v2', indices: ['VNINDEX', 'VN30'] }));
    for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB'] })) b.send(m);
    await a.waitFor(() => a.texts.filter((t) => t.startsWith('I#')).length >= 4, 3000, 'index frames');
    const ids = new Set(a.texts.filter((t) => t.startsWith('I#')).map((t) => t.slice(0, t.indexOf('|'))));
    assert.deepEqual(ids, new Set(['I#VNINDEX', 'I#VN30']));
    assert.equal(parseFrame(a.texts.find((t) => t.startsWith('I#')) ?? '').kind, 'index');
    assert.ok(a.texts.every((t) => !t.startsWith('MAIN|')));
    assert.ok(b.texts.every((t) => !t.startsWith('I#')));
  });

  it('notifies session subscribers when a market changes phase (clock-driven)', async () => {
    let now = Date.parse('2026-04-14T09:14:59+07:00');
    const { url } = await start({ clock: () => now });
    const c = await client(url);
    c.send(sessionSubscribeMessage({ generation: 'v2', markets: ['hose'] }));
    await c.waitFor(() => c.texts.includes('Subscribed notifySessionByListV2'), 3000, 'ack');
    now = Date.parse('2026-04-14T09:15:00+07:00');
    await c.waitFor(() => c.texts.some((t) => t.startsWith('{"notifySession')), 3000, 'session notice');
    assert.deepEqual(
      c.texts.filter((t) => t.startsWith('{"notifySession')),
      ['{"notifySessionByListV2":{"market":"hose","session":"continuous"}}'],
    );
  });

  it('counts frames generated while no client is connected', async () => {
    const s = await start({ rate: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(s.ledger.framesWithoutClients > 100, `${s.ledger.framesWithoutClients}`);
    assert.equal(s.ledger.framesWithoutClients, s.ledger.framesGenerated);
  });

  it('answers 403 to library User-Agents and 404 off /realtime', async () => {
    const { url } = await start();
    for (const ua of [
      null,
      'node',
      'ws/8.23',
      'undici',
      'python-requests/2.31',
      'Go-http-client/1.1',
      'curl/8.5.0',
    ]) {
      assert.equal(await upgradeOutcome(url, ua), 403, String(ua));
    }
    assert.equal(await upgradeOutcome(url.replace('/realtime', '/other'), 'Mozilla/5.0'), 404);
    assert.equal(await upgradeOutcome(url, 'Mozilla/5.0 (X11; Linux x86_64)'), 101);
    assert.equal(sim!.ledger.upgradesRejected[403], 7);
  });
});

describe('simulator server (V1)', () => {
  it('takes stock ids and sends V1 frames', async () => {
    const { url } = await start({ generation: 'v1' });
    const c = await client(url);
    c.send(initMessage());
    for (const m of stockSubscribeMessages({ generation: 'v1', symbols: ['FPT'] })) c.send(m);
    for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB'] })) c.send(m);
    await c.waitFor(() => c.texts.filter((t) => t.startsWith('S#')).length > 3, 3000, 'V1 frames');
    assert.ok(c.texts.includes('Subscribed stockRealtimeByList'));
    assert.ok(
      c.texts.includes('{"error":"topic stockRealtimeBySymbolsAndBoards is not served by this v1 server"}'),
    );
    const frames = c.texts.filter((t) => t.startsWith('S#')).map((t) => parseFrame(t) as StockFrame);
    assert.ok(
      frames.every((f) => f.generation === 'v1' && f.symbol === 'FPT' && f.stockId === stockIdOf('FPT')),
    );
  });
});
