/**
 * `npm run rederive -- --date YYYY-MM-DD [--symbols A,B] [--from DIR|s3://bucket/prefix]
 * [--endpoint-url URL] [--replace] [--table-prefix P]`: derives a trading day again from
 * the raw-feed archive, through the transform's own code, into the tables.
 *
 * - `--from`: the archive (default `.local-data/archive`, the embedded runtime's); an
 *   `s3://` URL reads the stack's bucket (output `ArchiveBucketName`).
 * - `--endpoint-url`: where DynamoDB (and S3) are (default `AWS_ENDPOINT_URL`, else AWS);
 *   the embedded runtime is `http://localhost:4566`.
 * - Tables: `<table-prefix>-trades` ... (default prefix `vn-stock`), or the transform's
 *   variables `TRADES_TABLE` ... when set.
 * - Without `--replace` the run is idempotent: rows already there for the day stay as they
 *   are (frames up to each symbol's stored checkpoint of the day are skipped).
 * - `--replace`: first deletes the day's trades, bars and index rows, and the quote when it
 *   is of that day, of the named symbols (all instruments in the day's archive without
 *   `--symbols`), so a changed derivation replaces old rows; without `--symbols` it then
 *   deletes the day's rejects rows that were not produced again (their frames now parse).
 *
 * Prints progress (records, frames, rows, elapsed) and a summary. Exit 0, 1 on failure,
 * 2 on a usage error.
 *
 * @example
 * npm run rederive -- --date 2026-04-14 --endpoint-url http://localhost:4566 --replace
 */

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { instrumentsOfDay } from '../core/archive/instruments.ts';
import { archivedShards } from '../core/archive/read-archive.ts';
import { type RederiveSummary, rederiveDay } from '../core/archive/rederive.ts';
import type { ArchiveStore } from '../core/archive/store.ts';
import { assertTradingDate } from '../core/archive/store.ts';
import { formatReconciliation } from '../core/derive/reconcile.ts';
import { ArchiveError } from '../core/errors.ts';
import { ENV } from '../core/settings.ts';
import { FileArchiveStore } from '../functions/transform/archive/file-archive-store.ts';
import { parseS3Url, S3ArchiveStore } from '../functions/transform/archive/s3-archive-store.ts';
import { loadTransformConfig, type TransformConfig } from '../functions/transform/config.ts';
import { createSink } from '../functions/transform/sinks/create-sink.ts';
import { reconcileTables } from '../local/runtime/reconcile-tables.ts';
import { deleteDayRows, deleteRejects, rejectKeysOf } from './rederive-tables.ts';

const USAGE =
  'usage: npm run rederive -- --date YYYY-MM-DD [--symbols A,B] [--from DIR|s3://bucket/prefix] [--endpoint-url URL] [--replace] [--table-prefix P]';

export class RederiveUsageError extends ArchiveError {
  readonly code = 'REDERIVE_USAGE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RederiveUsageError';
  }
}

export type RederiveArgs = {
  readonly date: string;
  readonly symbols?: ReadonlySet<string>;
  readonly from: string;
  readonly endpoint?: string;
  readonly replace: boolean;
  readonly tablePrefix: string;
};

export function parseRederiveArgs(argv: readonly string[], env: NodeJS.ProcessEnv): RederiveArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        date: { type: 'string' },
        symbols: { type: 'string' },
        from: { type: 'string' },
        'endpoint-url': { type: 'string' },
        replace: { type: 'boolean' },
        'table-prefix': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new RederiveUsageError((error as Error).message, { cause: error });
  }
  if (typeof values.date !== 'string') throw new RederiveUsageError('--date YYYY-MM-DD is required');
  try {
    assertTradingDate(values.date);
  } catch (error) {
    throw new RederiveUsageError(`--date: ${(error as Error).message}`, { cause: error });
  }
  const symbols =
    typeof values.symbols === 'string'
      ? new Set(
          values.symbols
            .split(',')
            .map((s) => s.trim().toUpperCase())
            .filter(Boolean),
        )
      : undefined;
  if (symbols?.size === 0) throw new RederiveUsageError('--symbols: name at least one symbol');
  return {
    date: values.date,
    symbols,
    from: (values.from as string | undefined) ?? '.local-data/archive',
    endpoint: (values['endpoint-url'] as string | undefined) ?? (env.AWS_ENDPOINT_URL || undefined),
    replace: values.replace === true,
    tablePrefix: (values['table-prefix'] as string | undefined) ?? 'vn-stock',
  };
}

/** The archive store `--from` names. */
export function archiveStoreFrom(from: string, endpoint: string | undefined): ArchiveStore {
  const s3 = parseS3Url(from);
  if (!s3) return new FileArchiveStore(from);
  const client = new S3Client({ ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  return new S3ArchiveStore(client, s3.bucket, s3.prefix);
}

/** The transform's configuration: its variables when set, else `<prefix>-<table>`. */
export function tablesConfig(args: RederiveArgs, env: NodeJS.ProcessEnv): TransformConfig {
  const name = (variable: string, table: string) => env[variable] || `${args.tablePrefix}-${table}`;
  return loadTransformConfig({
    ...env,
    [ENV.TRADES_TABLE]: name(ENV.TRADES_TABLE, 'trades'),
    [ENV.QUOTES_TABLE]: name(ENV.QUOTES_TABLE, 'quotes'),
    [ENV.BARS_TABLE]: name(ENV.BARS_TABLE, 'bars'),
    [ENV.INDICES_TABLE]: name(ENV.INDICES_TABLE, 'indices'),
    [ENV.REJECTS_TABLE]: name(ENV.REJECTS_TABLE, 'rejects'),
  });
}

export type RederiveRun = {
  readonly summary: RederiveSummary;
  readonly deleted?: Awaited<ReturnType<typeof deleteDayRows>>;
  readonly rejectsRemoved: number;
};

export type RederiveDeps = {
  readonly store: ArchiveStore;
  readonly dynamo: DynamoDBClient;
  readonly config: TransformConfig;
  readonly log: (line: string) => void;
  /** Wraps the sink (tests simulate a changed derivation with it). @default none */
  readonly wrapSink?: (
    sink: Awaited<ReturnType<typeof createSink>>,
  ) => Awaited<ReturnType<typeof createSink>>;
};

/** The command's steps: (replace) delete the day's rows, derive the day again, (replace) remove rejects that now parse. */
export async function runRederive(args: RederiveArgs, deps: RederiveDeps): Promise<RederiveRun> {
  const { store, dynamo, config, log } = deps;
  const { date } = args;
  log(
    `rederive ${date} from ${store.location} into ${config.tables.trades} ...${args.replace ? ' (replace)' : ''}`,
  );
  if ((await archivedShards(store, date)).length === 0)
    throw new Error(`no archived records of ${date} in ${store.location}`);
  let deleted: RederiveRun['deleted'];
  let rejectsBefore: string[] = [];
  if (args.replace) {
    const instruments = args.symbols ?? (await instrumentsOfDay(store, date));
    deleted = await deleteDayRows(dynamo, config.tables, date, instruments);
    log(
      `deleted ${date} rows of ${[...instruments].length} instruments: ${deleted.trades} trades, ${deleted.bars} bars, ${deleted.indices} index rows, ${deleted.quotes} quotes`,
    );
    if (!args.symbols) rejectsBefore = await rejectKeysOf(dynamo, config.tables.rejects, date);
  }
  const inner = await createSink(config, dynamo);
  const sink = deps.wrapSink ? deps.wrapSink(inner) : inner;
  let lastLog = 0;
  try {
    const summary = await rederiveDay({
      store,
      sink,
      date,
      symbols: args.symbols,
      onProgress: (p) => {
        if (p.elapsedMs - lastLog < 1_000) return;
        lastLog = p.elapsedMs;
        log(
          `  ${p.shardId}: ${p.records} records, ${p.frames} frames, ${rowCount(p.rows)} rows, ${(p.elapsedMs / 1000).toFixed(1)} s`,
        );
      },
    });
    const nowParse = rejectsBefore.filter((sk) => !summary.rejectKeys.has(sk));
    const rejectsRemoved =
      nowParse.length > 0 ? await deleteRejects(dynamo, config.tables.rejects, date, nowParse) : 0;
    for (const line of summaryLines(summary, rejectsRemoved)) log(line);
    // The day's reconciliation, as `npm run reconcile` prints it.
    const report = await reconcileTables(
      dynamo,
      { trades: config.tables.trades, quotes: config.tables.quotes },
      { date, symbols: args.symbols ? [...args.symbols] : undefined },
    );
    for (const line of formatReconciliation(report)) log(line);
    return { summary, deleted, rejectsRemoved };
  } finally {
    await inner.close?.();
  }
}

function rowCount(rows: RederiveSummary['rows']): number {
  return rows.trades + rows.quotes + rows.bars + rows.indices + rows.rejects;
}

/** The end-of-run summary: per-kind totals of frames and rows (the reconciliation follows it). */
export function summaryLines(summary: RederiveSummary, rejectsRemoved: number): string[] {
  const { counts, rows, archive } = summary;
  return [
    `rederived ${summary.date}: ${summary.shards.length} shard(s), ${archive.objects} archive objects (${archive.bytes} bytes), ${summary.records} records (${archive.duplicates} duplicate copies skipped), ${summary.frames} frames in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    `  frames: ${counts.stock} stock, ${counts.index} index, ${counts.trade} trade, ${counts.control} control, ${counts.unknown} unknown, ${counts.rejected} rejected; ${counts.undecodableRecords} undecodable records`,
    `  rows written: ${rows.trades} trades, ${rows.bars} bars, ${rows.quotes} quotes, ${rows.indices} index rows, ${rows.rejects} rejects; ${rejectsRemoved} rejects rows removed (now parse); ${summary.retries} batch retries`,
  ];
}

async function main(): Promise<number> {
  let args: RederiveArgs;
  try {
    args = parseRederiveArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`rederive: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const dynamo = new DynamoDBClient({ ...(args.endpoint ? { endpoint: args.endpoint } : {}) });
  try {
    await runRederive(args, {
      store: archiveStoreFrom(args.from, args.endpoint),
      dynamo,
      config: tablesConfig(args, process.env),
      log: (line) => console.log(line),
    });
    return 0;
  } catch (error) {
    console.error(`rederive: ${(error as Error).message}`);
    return 1;
  } finally {
    dynamo.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
