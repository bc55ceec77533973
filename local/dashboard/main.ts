/**
 * The dashboard on its own, against any DynamoDB endpoint (the embedded runtime starts
 * it itself; this is for LocalStack or AWS tables):
 *
 *   npm run dashboard -- --endpoint http://localhost:4566          # LocalStack / embedded
 *   AWS_REGION=ap-southeast-1 npm run dashboard                      # AWS (default credentials)
 *
 * Table names: `TRADES_TABLE`, `QUOTES_TABLE`, `BARS_TABLE`, `INDICES_TABLE`, else
 * `<prefix>-<table>` (`--prefix`, default `vn-stock`, the stack's default). Endpoint:
 * `--endpoint` > `AWS_ENDPOINT_URL_DYNAMODB` > `AWS_ENDPOINT_URL` > AWS itself.
 */
import { parseArgs } from 'node:util';
import { rawSetting } from '../../core/config.ts';
import { ENV } from '../../core/settings.ts';
import type { DashboardTables } from './reader.ts';
import { startDashboard } from './server.ts';

const USAGE =
  'usage: dashboard [--endpoint URL] [--port 3000] [--host 127.0.0.1] [--region R] [--prefix vn-stock]';

function fail(message: string): never {
  console.error(`dashboard: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        endpoint: { type: 'string' },
        port: { type: 'string', default: '3000' },
        host: { type: 'string', default: '127.0.0.1' },
        region: { type: 'string' },
        prefix: { type: 'string', default: 'vn-stock' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${values.port} is not a port number`);
  const prefix = String(values.prefix);
  const setting = (name: string) => rawSetting(process.env, name);
  const tables: DashboardTables = {
    trades: setting(ENV.TRADES_TABLE) ?? `${prefix}-trades`,
    quotes: setting(ENV.QUOTES_TABLE) ?? `${prefix}-quotes`,
    bars: setting(ENV.BARS_TABLE) ?? `${prefix}-bars`,
    indices: setting(ENV.INDICES_TABLE) ?? `${prefix}-indices`,
  };
  const endpoint =
    (values.endpoint as string | undefined) ||
    setting('AWS_ENDPOINT_URL_DYNAMODB') ||
    setting('AWS_ENDPOINT_URL') ||
    undefined;
  const dashboard = await startDashboard({
    port,
    host: String(values.host),
    dynamoEndpoint: endpoint,
    region: values.region as string | undefined,
    tables,
  }).catch((error: Error) => fail(error.message));
  console.log(
    `dashboard: ${dashboard.url} (tables ${Object.values(tables).join(', ')}; ${endpoint ?? 'AWS'})`,
  );
  const stop = () => {
    dashboard.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
