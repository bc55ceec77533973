/**
 * Driving a Lambda entry file in-process against the emulators: the environment it reads
 * (dummy credentials, the DynamoDB endpoint, Powertools in dev mode with metrics on, so
 * its EMF lines go through the global console) and an invocation that captures them.
 */
import { mock } from 'node:test';

export function lambdaTestEnv(dynamoEndpoint: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // Dev mode: Powertools prints through the global console; keep metrics on in dev mode.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  };
}

/** Runs `handler(event)` with console.log captured: its result and the EMF lines Powertools wrote. */
export async function invokeCapturingEmf<R>(
  handler: (event: unknown) => Promise<R>,
  event: unknown,
): Promise<{ result: R; emf: string[] }> {
  const log = mock.method(console, 'log', () => {});
  try {
    const result = await handler(event);
    const lines = log.mock.calls.map((call) => String(call.arguments[0]));
    return { result, emf: lines.filter((l) => l.includes('"_aws"')) };
  } finally {
    log.mock.restore();
  }
}
