/**
 * The one way this codebase builds an AWS SDK v3 client for an endpoint: HTTP/1.1 with
 * keep-alive (the SDK's default HTTP/2 for Kinesis is rejected by every emulator, and a
 * long-running producer wants warm connections anyway) and bounded connect and request
 * times. The ingest task's clients, the embedded runtime's emulator clients, the chaos
 * run and the operator scripts all pass this config to their client's constructor.
 *
 * It lives here, not in `core/` (which has no AWS in it): the ingest task is the
 * deployable that needs it, and `local/` and `scripts/` already import from it.
 *
 * @example
 * const kinesis = new KinesisClient(sdkClientConfig({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4567' }));
 * const dynamo = new DynamoDBClient(sdkClientConfig({ endpoint, credentials, requestTimeoutMs: 30_000 }));
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export type SdkClientOptions = {
  /** The SDK's default chain (AWS_REGION, profile) when absent. */
  readonly region?: string;
  /** Emulator or VPC endpoint; the SDK's default when absent. */
  readonly endpoint?: string;
  /** The SDK's default provider chain when absent. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** SDK attempts per request (standard retry mode: exponential backoff, throttling aware). @default 3 */
  readonly maxAttempts?: number;
  /** Sockets kept open per host. @default 16 */
  readonly maxSockets?: number;
  /** A refused or black-holed endpoint fails after this long. @default 3_000 */
  readonly connectionTimeoutMs?: number;
  /** A request with no answer fails after this long. @default 15_000 */
  readonly requestTimeoutMs?: number;
};

export type SdkClientConfig = {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: NodeHttpHandler;
};

export function sdkClientConfig(options: SdkClientOptions): SdkClientConfig {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
    }),
  };
}
