/**
 * The Kinesis client of the ingest task: keep-alive HTTP/1.1 (`sdk-client-config.ts`), a
 * few SDK-level retries for transient errors and throttling (the producer's own loop
 * handles what is left: partial failures and long outages), and short connect and
 * request timeouts so a refused or black-holed endpoint fails in seconds, not minutes,
 * and the producer's loop (and its logs) notices an outage promptly.
 *
 * @example
 * const client = createKinesisClient({ region: 'ap-southeast-1', endpoint: 'http://127.0.0.1:4567' });
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { sdkClientConfig } from './sdk-client-config.ts';

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
  return new KinesisClient(
    sdkClientConfig({ ...options, connectionTimeoutMs: 3_000, requestTimeoutMs: 15_000 }),
  );
}
