/**
 * What the simulator answers to a client message, the way iboard does: the plain-text
 * `Subscribed <topic>` acknowledgement for subscriptions, `{"result":"complete","type":"unsub",...}`
 * for unsubscriptions, `{"error":"..."}` for what it cannot serve. Subscriptions update
 * the client's filters; the server sends data frames accordingly.
 */
import { type ClientRequest, parseClientMessage, TOPIC } from '../../core/iboard/subscribe.ts';
import { symbolOfStockId } from '../../core/iboard/symbols.ts';
import type { Generation } from '../../core/iboard/types.ts';
import type { ClientSession } from './client-session.ts';

export const SERVER_NAME = 'iboard-simulator';
const MAIN_BOARD = 'MAIN';

/** Handles one text message; returns whether it changed the client's data subscriptions. */
export function handleClientMessage(client: ClientSession, text: string, generation: Generation): boolean {
  const request = parseClientMessage(text);
  if (request.kind === 'rejected') {
    client.sendControl(JSON.stringify({ error: request.reason }));
    return false;
  }
  if (request.type === 'init') {
    client.sendControl(JSON.stringify({ type: 'ack' }));
    return false;
  }
  const topic = request.topic ?? '';
  const add = request.type === 'sub';
  const applied = applySubscription(client, topic, request, generation, add);
  if (applied === undefined) {
    client.sendControl(
      JSON.stringify({ error: `topic ${topic} is not served by this ${generation} server` }),
    );
    return false;
  }
  acknowledge(client, topic, add);
  return applied && add;
}

/** Updates the client's filters for one topic: whether data subscriptions changed; undefined for a topic not served. */
function applySubscription(
  client: ClientSession,
  topic: string,
  request: ClientRequest,
  generation: Generation,
  add: boolean,
): boolean | undefined {
  const v2 = generation === 'v2';
  switch (topic) {
    case TOPIC.serverName:
      client.wantsServerName = add;
      return false;
    case v2 ? TOPIC.stocksV2 : TOPIC.stocksV1: {
      const symbols = v2 ? mainBoardSymbols(request) : symbolsOfStockIds(request.stockIds ?? []);
      for (const symbol of symbols) update(client.symbols, symbol.toUpperCase(), add);
      return symbols.length > 0;
    }
    case v2 ? TOPIC.indicesV2 : TOPIC.indicesV1:
      for (const id of request.indexIds ?? []) update(client.indices, id.toUpperCase(), add);
      return (request.indexIds ?? []).length > 0;
    case v2 ? TOPIC.sessionsV2 : TOPIC.sessionsV1:
      for (const market of request.markets ?? []) update(client.markets, market.toLowerCase(), add);
      return false;
    default:
      return undefined;
  }
}

/** V2 subscribes by symbol per board: only the main board's are served. */
function mainBoardSymbols(request: ClientRequest): readonly string[] {
  return (request.boardIds ?? []).some((b) => b.toUpperCase() === MAIN_BOARD) ? (request.symbols ?? []) : [];
}

/** V1 subscribes by stock id. */
function symbolsOfStockIds(stockIds: readonly string[]): string[] {
  return stockIds.map((id) => symbolOfStockId(id.toLowerCase())).filter((s) => s !== undefined);
}

function acknowledge(client: ClientSession, topic: string, add: boolean): void {
  if (add) {
    client.sendControl(`Subscribed ${topic}`);
    if (topic === TOPIC.serverName) client.sendControl(JSON.stringify({ serverName: SERVER_NAME }));
  } else {
    client.sendControl(JSON.stringify({ result: 'complete', type: 'unsub', topic }));
  }
}

function update(set: Set<string>, key: string, add: boolean): void {
  if (add) set.add(key);
  else set.delete(key);
}

/** The JSON frame iboard sends to session subscribers when a market changes phase. */
export function sessionNotice(generation: Generation, market: string, session: string): string {
  const key = generation === 'v2' ? 'notifySessionByListV2' : 'notifySessionByList';
  return JSON.stringify({ [key]: { market, session } });
}
