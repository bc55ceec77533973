/**
 * SDK clients for the embedded runtime: HTTP/1.1 keep-alive (the emulators reject
 * HTTP/2), dummy credentials (the emulators check none), a fixed region.
 */
import { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

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

function handler(maxSockets: number): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new Agent({ keepAlive: true, maxSockets }),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
  });
}

export function kinesisClient(options: ClientOptions): KinesisClient {
  return new KinesisClient({
    endpoint: options.endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: handler(options.maxSockets ?? 16),
    maxAttempts: options.maxAttempts ?? 3,
  });
}

export function dynamoClient(options: ClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: handler(options.maxSockets ?? 16),
    maxAttempts: options.maxAttempts ?? 3,
  });
}
