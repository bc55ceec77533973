/**
 * SDK clients for the embedded runtime: HTTP/1.1 keep-alive (the emulators reject
 * HTTP/2; `ingest-task/sdk-client-config.ts`), dummy credentials (the emulators check
 * none), a fixed region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { type SdkClientConfig, sdkClientConfig } from '../../ingest-task/sdk-client-config.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export type ClientOptions = {
  readonly endpoint: string;
  readonly region?: string;
  /** Sockets kept open per client. @default 16 */
  readonly maxSockets?: number;
  /** Attempts per request (the SDK's retry strategy). @default 3 */
  readonly maxAttempts?: number;
};

function localConfig(options: ClientOptions): SdkClientConfig {
  return sdkClientConfig({
    endpoint: options.endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxSockets: options.maxSockets,
    maxAttempts: options.maxAttempts,
    // Longer than on AWS: an emulator busy with a large batch answers late, not never.
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: 30_000,
  });
}

export function kinesisClient(options: ClientOptions): KinesisClient {
  return new KinesisClient(localConfig(options));
}

export function dynamoClient(options: ClientOptions): DynamoDBClient {
  return new DynamoDBClient(localConfig(options));
}
