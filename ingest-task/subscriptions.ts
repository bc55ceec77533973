/**
 * What the task sends after every connect, from its configuration: V1 `init` first,
 * then the server name, the configured symbols in chunks, the index list and the
 * session notices (the builders of `core/iboard/subscribe.ts`).
 *
 * @example
 * subscribeMessagesOf({ protocol: 'v2', symbols: ['FPT'], indices: ['VN30'], subscribeChunkSize: 200 }).length; // 4
 */
import { subscribeAllMessages } from '../core/iboard/subscribe.ts';
import type { Generation } from '../core/iboard/types.ts';
import type { IngestConfig } from './config.ts';

export function subscribeMessagesOf(
  config: Pick<IngestConfig, 'protocol' | 'symbols' | 'indices' | 'subscribeChunkSize'> & {
    protocol: Generation;
  },
): string[] {
  const messages = subscribeAllMessages({
    generation: config.protocol,
    symbols: config.symbols,
    chunkSize: config.subscribeChunkSize,
    indices: config.indices,
  });
  // An empty index list means "no index subscription", not the builder's default list.
  if (config.indices.length > 0) return messages;
  return messages.filter((m) => !m.includes('"notifyIndexRealtimeByList'));
}
