import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chunk,
  indexSubscribeMessage,
  initMessage,
  parseClientMessage,
  SubscribeOptionError,
  serverNameMessage,
  sessionSubscribeMessage,
  stockSubscribeMessages,
  subscribeAllMessages,
  unsubscribeOf,
} from '../../../core/iboard/subscribe.ts';
import { allSymbols, UnknownSymbolError } from '../../../core/iboard/symbols.ts';

describe('subscribe messages', () => {
  it('builds the spec V1 messages with stock ids from the symbol list', () => {
    assert.equal(initMessage(), '{"type":"init"}');
    assert.equal(serverNameMessage(), '{"type":"sub","topic":"serverName"}');
    assert.deepEqual(stockSubscribeMessages({ generation: 'v1', symbols: ['ACB', 'HPG'] }), [
      '{"type":"sub","topic":"stockRealtimeByList","variables":["hose:436","hose:1354"]}',
    ]);
    assert.equal(
      indexSubscribeMessage({ generation: 'v1' }),
      '{"type":"sub","topic":"notifyIndexRealtimeByList","variables":["VNINDEX","VN30","HNX30","HNXIndex","VNXALL","HNXUpcomIndex"]}',
    );
    assert.equal(
      sessionSubscribeMessage({ generation: 'v1' }),
      '{"type":"sub","topic":"notifySessionByList","variables":{"markets":["hose","hnx","upcom"]}}',
    );
  });

  it('builds the spec V2 messages with symbols, boards and components', () => {
    assert.deepEqual(stockSubscribeMessages({ generation: 'v2', symbols: ['VCB', 'FPT'] }), [
      '{"type":"sub","topic":"stockRealtimeBySymbolsAndBoards","variables":{"symbols":["VCB","FPT"],"boardIds":["MAIN"]},"component":"priceTableEquities"}',
    ]);
    assert.equal(
      indexSubscribeMessage({ generation: 'v2', indices: ['VN30'] }),
      '{"type":"sub","topic":"notifyIndexRealtimeByListV2","variables":["VN30"],"component":"indexChart"}',
    );
  });

  it('refuses an unknown symbol in a V1 subscription', () => {
    assert.throws(() => stockSubscribeMessages({ generation: 'v1', symbols: ['NOPE9'] }), UnknownSymbolError);
  });

  it('splits the whole market into chunks of the configured size', () => {
    const symbols = allSymbols();
    const messages = stockSubscribeMessages({ generation: 'v2', symbols, chunkSize: 500 });
    assert.equal(messages.length, 4);
    const sent = messages.flatMap((m) => (parseClientMessage(m) as { symbols: string[] }).symbols);
    assert.deepEqual(sent, symbols);
    assert.equal(stockSubscribeMessages({ generation: 'v1', symbols }).length, Math.ceil(1680 / 200));
  });

  it('validates the chunk size', () => {
    for (const size of [0, -1, 1.5, Number.NaN, 5001]) {
      assert.throws(
        () => chunk([1, 2], size),
        (error: unknown) => error instanceof SubscribeOptionError && error.option === 'chunkSize',
        String(size),
      );
    }
    assert.deepEqual(chunk([1, 2, 3], 2), [[1, 2], [3]]);
    assert.deepEqual(chunk([], 2), []);
  });

  it('turns any subscription into its unsubscription', () => {
    const sub = indexSubscribeMessage({ generation: 'v2' });
    const unsub = JSON.parse(unsubscribeOf(sub));
    assert.deepEqual(unsub, { ...JSON.parse(sub), type: 'unsub' });
    assert.equal(
      JSON.parse(stockSubscribeMessages({ generation: 'v1', symbols: ['FPT'], type: 'unsub' })[0]).type,
      'unsub',
    );
    assert.throws(() => unsubscribeOf(initMessage()), SubscribeOptionError);
  });

  it('sends init first for V1 and everything a client needs', () => {
    const v1 = subscribeAllMessages({ generation: 'v1', symbols: ['FPT'] });
    assert.deepEqual(
      v1.map((m) => JSON.parse(m).topic ?? JSON.parse(m).type),
      ['init', 'serverName', 'stockRealtimeByList', 'notifyIndexRealtimeByList', 'notifySessionByList'],
    );
    assert.equal(subscribeAllMessages({ generation: 'v2', symbols: ['FPT'] })[0], serverNameMessage());
  });
});

describe('parseClientMessage', () => {
  it('reads back what the builders write', () => {
    assert.deepEqual(parseClientMessage(stockSubscribeMessages({ generation: 'v1', symbols: ['FPT'] })[0]), {
      kind: 'request',
      type: 'sub',
      topic: 'stockRealtimeByList',
      stockIds: ['hose:974'],
    });
    assert.deepEqual(parseClientMessage(stockSubscribeMessages({ generation: 'v2', symbols: ['FPT'] })[0]), {
      kind: 'request',
      type: 'sub',
      topic: 'stockRealtimeBySymbolsAndBoards',
      component: 'priceTableEquities',
      symbols: ['FPT'],
      boardIds: ['MAIN'],
    });
    assert.deepEqual(parseClientMessage(sessionSubscribeMessage({ generation: 'v2', type: 'unsub' })), {
      kind: 'request',
      type: 'unsub',
      topic: 'notifySessionByListV2',
      markets: ['hose', 'hnx', 'upcom'],
    });
    assert.deepEqual(parseClientMessage(indexSubscribeMessage({ generation: 'v1', indices: ['VN30'] })), {
      kind: 'request',
      type: 'sub',
      topic: 'notifyIndexRealtimeByList',
      indexIds: ['VN30'],
    });
    assert.deepEqual(parseClientMessage(initMessage()), { kind: 'request', type: 'init' });
    assert.deepEqual(parseClientMessage('{"type":"sub","topic":"leTableAdd","variables":["hose:1"]}'), {
      kind: 'request',
      type: 'sub',
      topic: 'leTableAdd',
      variables: ['hose:1'],
    });
  });

  it('rejects malformed messages with a reason', () => {
    const bad = [
      'not json',
      '[1]',
      'null',
      '{"type":"subscribe","topic":"x"}',
      '{"type":"sub"}',
      '{"type":"sub","topic":"stockRealtimeByList","variables":"hose:1"}',
      '{"type":"sub","topic":"stockRealtimeBySymbolsAndBoards","variables":{"symbols":["FPT"]}}',
      '{"type":"sub","topic":"stockRealtimeByList","variables":[1]}',
    ];
    for (const text of bad) {
      const result = parseClientMessage(text);
      assert.equal(result.kind, 'rejected', text);
      assert.ok(result.kind === 'rejected' && result.reason.length > 0);
    }
  });
});
