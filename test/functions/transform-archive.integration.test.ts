/**
 * The transform's archive step against real emulators (kinesalite, dynalite) and a real
 * directory: every batch archived before it is derived, a failing archive write failing
 * the batch (no rows, Lambda retries it), a redelivered batch archived once.
 * The archive's failure is a real filesystem failure (a file where the day's directory
 * must go), not a fake store.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readArchivedDay } from '../../core/archive/read-archive.ts';
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../core/records/index.ts';
import { FileArchiveStore } from '../../functions/transform/archive/file-archive-store.ts';
import { createTables, emulatorsForFile, scanTable } from '../support/aws.ts';
import { T0, tradingStory } from '../support/frames.ts';
import { streamedEvent, transformHandlerOn } from '../support/transform.ts';

const aws = emulatorsForFile();
const dirs: string[] = [];

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function setUp(name: string) {
  const tables = await createTables(aws.dynamo, name);
  const { frames } = tradingStory(['FPT', 'VCB', 'HPG'], 20, 3);
  const raws = frames.map(formatStockFrame);
  const datas: Uint8Array[] = [];
  for (let i = 0; i < raws.length; i += 5) {
    datas.push(
      encodeRecord(
        raws
          .slice(i, i + 5)
          .map((raw, j) => ({ raw, receivedAt: T0 + i * 10 + j, connectionId: 'c1', seq: i + j })),
      ),
    );
  }
  const { records, shardId, event } = await streamedEvent(aws.kinesis, name, datas);
  const root = mkdtempSync(join(tmpdir(), 'vn-archive-step-'));
  dirs.push(root);
  const archive = new FileArchiveStore(root);
  const handler = transformHandlerOn(aws.dynamo, tables, archive);
  return { tables, records, shardId, event: event(), handler, archive, root };
}

async function archivedSequenceNumbers(archive: FileArchiveStore): Promise<string[]> {
  const seqs: string[] = [];
  for await (const { record } of readArchivedDay(archive, '2026-04-14')) seqs.push(record.sequenceNumber);
  return seqs;
}

describe('transform archive step', () => {
  it('archives every record of a batch exactly, then derives it', async () => {
    const { records, event, handler, archive, tables } = await setUp('a1');
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    const archived: Uint8Array[] = [];
    for await (const { record } of readArchivedDay(archive, '2026-04-14')) archived.push(record.data);
    assert.deepEqual(
      archived.map((d) => Buffer.from(d).toString('base64')),
      records.map((r) => Buffer.from(r.Data!).toString('base64')),
    );
    assert.ok((await scanTable(aws.dynamo, tables.trades)).length > 0);
  });

  it('fails the whole batch and derives nothing while the archive cannot be written, then catches up', async () => {
    const { records, event, handler, archive, tables, root } = await setUp('a2');
    // A file where the day's directory must go: every write of the day fails (ENOTDIR/EEXIST).
    writeFileSync(join(root, '2026-04-14'), 'in the way');
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.deepEqual(await handler(event), {
        batchItemFailures: [{ itemIdentifier: records[0].SequenceNumber }],
      });
    }
    assert.equal((await scanTable(aws.dynamo, tables.trades)).length, 0, 'nothing derived unarchived');
    assert.equal((await scanTable(aws.dynamo, tables.quotes)).length, 0);
    rmSync(join(root, '2026-04-14'));
    mkdirSync(join(root, '2026-04-14'));
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.deepEqual(
      await archivedSequenceNumbers(archive),
      records.map((r) => r.SequenceNumber),
    );
    assert.ok((await scanTable(aws.dynamo, tables.trades)).length > 0);
  });

  it('keeps a redelivered batch, and a retry from a record, once', async () => {
    const { records, event, handler, archive, root } = await setUp('a3');
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.deepEqual(await handler(event), { batchItemFailures: [] }); // redelivered as is
    // Redelivered from the 4th record on (as after a partial failure).
    assert.deepEqual(await handler({ Records: event.Records.slice(3) }), { batchItemFailures: [] });
    const objects = (await archive.list('2026-04-14/')).filter((k) => k.endsWith('.vnsa'));
    assert.equal(
      objects.length,
      2,
      `the exact redelivery overwrote its object (${objects.join(', ')} in ${root})`,
    );
    assert.deepEqual(
      await archivedSequenceNumbers(archive),
      records.map((r) => r.SequenceNumber),
    );
  });
});
