/**
 * Client → server messages (JSON text frames) for both protocol generations, and
 * {@link parseClientMessage}, their reverse, for the simulator.
 *
 * V1 subscribes stocks by SSI stock id (`hose:974`, from the symbol list) after `{"type":"init"}`;
 * V2 by symbols and board ids. The whole market is split into chunks of `chunkSize` symbols.
 *
 * @example
 * stockSubscribeMessages({ generation: 'v2', symbols: ['VCB', 'FPT'] });
 * // ['{"type":"sub","topic":"stockRealtimeBySymbolsAndBoards","variables":{"symbols":["VCB","FPT"],"boardIds":["MAIN"]},"component":"priceTableEquities"}']
 * unsubscribeOf(indexSubscribeMessage({ generation: 'v1' })); // same body with "type":"unsub"
 */
import { IngestError } from '../errors.ts';
import { stockIdOf } from './symbols.ts';
import type { Generation } from './types.ts';
export type SubscriptionType = 'sub' | 'unsub';

export const TOPIC = {
  serverName: 'serverName',
  stocksV1: 'stockRealtimeByList',
  stocksV2: 'stockRealtimeBySymbolsAndBoards',
  indicesV1: 'notifyIndexRealtimeByList',
  indicesV2: 'notifyIndexRealtimeByListV2',
  sessionsV1: 'notifySessionByList',
  /** Inferred from the server's `notifySessionByListV2` frames, like the index topic. */
  sessionsV2: 'notifySessionByListV2',
} as const;

export const COMPONENT = { equities: 'priceTableEquities', indexChart: 'indexChart' } as const;

/** The indices iboard's own page subscribes to. */
export const DEFAULT_INDICES = ['VNINDEX', 'VN30', 'HNX30', 'HNXIndex', 'VNXALL', 'HNXUpcomIndex'] as const;
export const DEFAULT_MARKETS = ['hose', 'hnx', 'upcom'] as const;
export const DEFAULT_BOARD_IDS = ['MAIN'] as const;
/** Symbols per subscribe message: keeps each message a few KB (the server's limit is unknown). */
export const DEFAULT_CHUNK_SIZE = 200;
export const MAX_CHUNK_SIZE = 5000;

/** An option that cannot be used (the message names it). */
export class SubscribeOptionError extends IngestError {
  readonly code = 'INVALID_SUBSCRIBE_OPTION';
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`${option}: ${message}`, options);
    this.name = 'SubscribeOptionError';
    this.option = option;
  }
}

export type StockSubscription = {
  generation: Generation;
  symbols: readonly string[];
  /** V2 only. @default ['MAIN'] */
  boardIds?: readonly string[];
  /** @default 200 */
  chunkSize?: number;
  /** @default 'sub' */
  type?: SubscriptionType;
  /** V1 only: symbol → stock id. @default the bundled symbol list (throws UnknownSymbolError) */
  stockIdOf?: (symbol: string) => string;
};

/** `{"type":"init"}`, sent first by V1 clients. */
export function initMessage(): string {
  return JSON.stringify({ type: 'init' });
}

export function serverNameMessage(type: SubscriptionType = 'sub'): string {
  return JSON.stringify({ type, topic: TOPIC.serverName });
}

/** One message per chunk of `chunkSize` symbols. */
export function stockSubscribeMessages(options: StockSubscription): string[] {
  const { generation, symbols, type = 'sub' } = options;
  const chunks = chunk(symbols, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  if (generation === 'v1') {
    const idOf = options.stockIdOf ?? stockIdOf;
    return chunks.map((part) => JSON.stringify({ type, topic: TOPIC.stocksV1, variables: part.map(idOf) }));
  }
  const boardIds = [...(options.boardIds ?? DEFAULT_BOARD_IDS)];
  if (boardIds.length === 0) throw new SubscribeOptionError('boardIds', 'must name at least one board');
  return chunks.map((part) =>
    JSON.stringify({
      type,
      topic: TOPIC.stocksV2,
      variables: { symbols: part, boardIds },
      component: COMPONENT.equities,
    }),
  );
}

export function indexSubscribeMessage(options: {
  generation: Generation;
  indices?: readonly string[];
  type?: SubscriptionType;
}): string {
  const { generation, type = 'sub' } = options;
  const variables = [...(options.indices ?? DEFAULT_INDICES)];
  return generation === 'v1'
    ? JSON.stringify({ type, topic: TOPIC.indicesV1, variables })
    : JSON.stringify({ type, topic: TOPIC.indicesV2, variables, component: COMPONENT.indexChart });
}

export function sessionSubscribeMessage(options: {
  generation: Generation;
  markets?: readonly string[];
  type?: SubscriptionType;
}): string {
  const { generation, type = 'sub' } = options;
  const topic = generation === 'v1' ? TOPIC.sessionsV1 : TOPIC.sessionsV2;
  return JSON.stringify({ type, topic, variables: { markets: [...(options.markets ?? DEFAULT_MARKETS)] } });
}

/** Everything a client sends after connecting: init (V1), server name, stocks, indices, sessions. */
export function subscribeAllMessages(options: StockSubscription & { indices?: readonly string[] }): string[] {
  const { generation } = options;
  return [
    ...(generation === 'v1' ? [initMessage()] : []),
    serverNameMessage(),
    ...stockSubscribeMessages(options),
    indexSubscribeMessage({ generation, indices: options.indices }),
    sessionSubscribeMessage({ generation }),
  ];
}

/** The same message with `"type":"unsub"`. */
export function unsubscribeOf(message: string): string {
  const request = parseClientMessage(message);
  if (request.kind === 'rejected' || request.type === 'init') {
    throw new SubscribeOptionError('message', 'is not a subscription');
  }
  return JSON.stringify({ ...(JSON.parse(message) as object), type: 'unsub' });
}

/** Splits `items` into chunks of `size` (an integer from 1 to {@link MAX_CHUNK_SIZE}). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE) {
    throw new SubscribeOptionError(
      'chunkSize',
      `must be an integer from 1 to ${MAX_CHUNK_SIZE}, got ${size}`,
    );
  }
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type ClientRequest = {
  kind: 'request';
  type: 'init' | SubscriptionType;
  topic?: string;
  component?: string;
  /** V2 stock subscriptions. */
  symbols?: string[];
  boardIds?: string[];
  /** V1 stock subscriptions (`hose:974`). */
  stockIds?: string[];
  indexIds?: string[];
  markets?: string[];
  /** As sent, for topics this module does not interpret. */
  variables?: unknown;
};
export type ClientRejection = { kind: 'rejected'; reason: string };

/** Reads a client message the way the server would; never throws. */
export function parseClientMessage(text: string): ClientRequest | ClientRejection {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'rejected', reason: 'not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'rejected', reason: 'not a JSON object' };
  }
  const { type, topic, variables, component } = body as Record<string, unknown>;
  if (type === 'init') return { kind: 'request', type };
  if (type !== 'sub' && type !== 'unsub')
    return { kind: 'rejected', reason: `unknown type ${JSON.stringify(type)}` };
  if (typeof topic !== 'string' || topic === '') return { kind: 'rejected', reason: 'missing topic' };
  const request: ClientRequest = { kind: 'request', type, topic };
  if (typeof component === 'string') request.component = component;
  const vars = (variables ?? {}) as Record<string, unknown>;
  switch (topic) {
    case TOPIC.serverName:
      return request;
    case TOPIC.stocksV1:
      return withList(request, 'stockIds', variables);
    case TOPIC.indicesV1:
    case TOPIC.indicesV2:
      return withList(request, 'indexIds', variables);
    case TOPIC.stocksV2: {
      const withSymbols = withList(request, 'symbols', vars.symbols);
      return withSymbols.kind === 'rejected' ? withSymbols : withList(withSymbols, 'boardIds', vars.boardIds);
    }
    case TOPIC.sessionsV1:
    case TOPIC.sessionsV2:
      return withList(request, 'markets', vars.markets);
    default:
      if (variables !== undefined) request.variables = variables;
      return request;
  }
}

function withList(
  request: ClientRequest,
  key: 'symbols' | 'boardIds' | 'stockIds' | 'indexIds' | 'markets',
  value: unknown,
): ClientRequest | ClientRejection {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return { kind: 'rejected', reason: `${request.topic}: ${key} must be a list of strings` };
  }
  request[key] = value;
  return request;
}
