/**
 * The Kinesis client of the ingest task: HTTP/1.1 with keep-alive (the SDK's default
 * HTTP/2 is rejected by every emulator, and a long-running producer wants warm
 * connections anyway), a few SDK-level retries for transient errors and throttling
 * (the producer's own loop handles what is left: partial failures and long outages).
 *
 * @example
 * const client = createKinesisClient({ region: 'ap-southeast-1', endpoint: 'http://127.0.0.1:4567' });
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export type KinesisClientOptions = {
  readonly region: string;
  /** Emulator or VPC endpoint; the SDK's default when absent. */
  readonly endpoint?: string;
  /** SDK attempts per request (standard retry mode: exponential backoff, throttling aware). @default 3 */
  readonly maxAttempts?: number;
  /** Sockets per host: a few concurrent PutRecords plus control calls. @default 16 */
  readonly maxSockets?: number;
};

export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  return new KinesisClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      // A refused or black-holed endpoint fails in seconds, not minutes, so the
      // producer's loop (and its logs) notices an outage promptly.
      connectionTimeout: 3_000,
      requestTimeout: 15_000,
    }),
  });
}
