/**
 * Reads what the pipeline left in the runtime's data directory once it has stopped: the
 * whole stream (every shard from its start) and every table, through emulators opened
 * on the same LevelDB directories. Checking data at rest, after a stop, also checks that
 * it survives one.
 */
import { join } from 'node:path';
import { paginateScan } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { fromItem } from '../../functions/transform/sinks/dynamodb-items.ts';
import { dynamoClient, kinesisClient } from '../emulators/clients.ts';
import { startDynamo, startKinesis } from '../emulators/launch.ts';
import type { LedgerSummary } from './ledger-summary.ts';
import { StreamAnalysis } from './stream-analysis.ts';

export type Row = Record<string, unknown> & { pk: string; sk?: string };

export type TableRows = {
  readonly trades: readonly Row[];
  readonly quotes: readonly Row[];
  readonly bars: readonly Row[];
  readonly indices: readonly Row[];
  readonly rejects: readonly Row[];
};

export type Evidence = { readonly analysis: StreamAnalysis; readonly tables: TableRows };

export async function readEvidence(options: {
  readonly dataDir: string;
  readonly streamName: string;
  readonly tables: Readonly<Record<string, string>>;
  readonly ledger: Pick<LedgerSummary, 'lastFrames' | 'clientOfRaw' | 'mqtt'>;
}): Promise<Evidence> {
  const [kinesis, dynamo] = await Promise.all([
    startKinesis({ dataDir: join(options.dataDir, 'kinesis') }),
    startDynamo({ dataDir: join(options.dataDir, 'dynamodb') }),
  ]);
  const k = kinesisClient({ endpoint: kinesis.endpoint });
  const d = dynamoClient({ endpoint: dynamo.endpoint });
  try {
    const analysis = new StreamAnalysis(options.ledger);
    await readStream(k, options.streamName, analysis);
    const scan = (role: string) => {
      const table = options.tables[role];
      if (!table) throw new Error(`the template has no ${role} table`);
      return scanTable(d, table);
    };
    const [trades, quotes, bars, indices, rejects] = await Promise.all(
      ['trades', 'quotes', 'bars', 'indices', 'rejects'].map(scan),
    );
    return { analysis, tables: { trades, quotes, bars, indices, rejects } };
  } finally {
    k.destroy();
    d.destroy();
    await Promise.all([kinesis.stop(), dynamo.stop()]);
  }
}

async function readStream(
  client: ReturnType<typeof kinesisClient>,
  streamName: string,
  analysis: StreamAnalysis,
): Promise<void> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? '';
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of page.Records ?? []) {
        analysis.addRecord({
          shardId,
          sequenceNumber: r.SequenceNumber ?? '',
          data: r.Data ?? new Uint8Array(),
        });
      }
      // An open shard never ends: stop at its tip (nothing returned, nothing behind).
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
}

async function scanTable(client: ReturnType<typeof dynamoClient>, table: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const page of paginateScan({ client }, { TableName: table }))
    for (const item of page.Items ?? []) rows.push(fromItem(item, ['pk', 'sk']) as Row);
  return rows;
}
