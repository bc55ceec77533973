import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { archiveBatch } from '../../../core/archive/archive-batch.ts';
import {
  ARCHIVE_OBJECT_HEADER_BYTES,
  ARCHIVE_RECORD_OVERHEAD_BYTES,
  type ArchivedRecord,
  ArchiveFormatError,
  decodeArchiveObject,
  encodeArchiveObject,
} from '../../../core/archive/format.ts';
import { archivedShards, readArchivedShard } from '../../../core/archive/read-archive.ts';
import { archiveKey, parseArchiveKey } from '../../../core/archive/store.ts';
import { decodeRecord, encodeRecord } from '../../../core/records/index.ts';
import { FileArchiveStore } from '../../../functions/transform/archive/file-archive-store.ts';

const SHARD = 'shardId-000000000000';
// 2026-04-14 09:30 ICT.
const MORNING = Date.parse('2026-04-14T02:30:00Z');

/** Record `n` of a shard: sequence numbers with Kinesis' 56 digits, a frame naming n. */
function record(n: number, arrivalMs = MORNING + n): ArchivedRecord {
  return {
    sequenceNumber: `4959${String(n).padStart(52, '0')}`,
    arrivalMs,
    partitionKey: `b0${n % 8}`,
    data: encodeRecord([{ raw: `MAIN|S#FPT|${n}`, receivedAt: arrivalMs, connectionId: 'c1', seq: n }]),
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(from + i));

const dirs: string[] = [];
function store(): FileArchiveStore {
  const dir = mkdtempSync(join(tmpdir(), 'vn-archive-'));
  dirs.push(dir);
  return new FileArchiveStore(dir);
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function readAll(s: FileArchiveStore, date = '2026-04-14') {
  const out: ArchivedRecord[] = [];
  for await (const r of readArchivedShard(s, date, SHARD)) out.push(r);
  return out;
}

describe('archive object format', () => {
  it('gives back every record byte for byte, with its sequence number, arrival and key', () => {
    const records = range(0, 4);
    const back = decodeArchiveObject(encodeArchiveObject(records));
    assert.deepEqual(back, records);
    assert.equal(decodeRecord(back[3].data)[0].raw, 'MAIN|S#FPT|3');
  });

  it('adds exactly the documented framing per record and object (the cost model counts on it)', () => {
    const records = range(0, 9);
    const data = records.reduce((n, r) => n + r.data.length, 0);
    assert.equal(
      encodeArchiveObject(records).length,
      ARCHIVE_OBJECT_HEADER_BYTES + data + records.length * ARCHIVE_RECORD_OVERHEAD_BYTES,
    );
  });

  it('refuses a truncated or padded object, and anything without its header', () => {
    const bytes = encodeArchiveObject(range(0, 2));
    assert.throws(() => decodeArchiveObject(bytes.subarray(0, bytes.length - 1)), ArchiveFormatError);
    assert.throws(() => decodeArchiveObject(Buffer.concat([bytes, Buffer.from([0])])), ArchiveFormatError);
    assert.throws(() => decodeArchiveObject(Buffer.from('hello world')), /no VNSA header/);
  });
});

describe('archive keys', () => {
  it('name the date, shard and sequence range, and parse back', () => {
    const key = archiveKey('2026-04-14', SHARD, '12', '345');
    assert.equal(key, `2026-04-14/${SHARD}/12-345.vnsa`);
    assert.deepEqual(parseArchiveKey(`some/prefix/${key}`), {
      date: '2026-04-14',
      shardId: SHARD,
      first: 12n,
      last: 345n,
    });
    assert.equal(parseArchiveKey('2026-04-14/x/readme.txt'), undefined);
  });
});

describe('archiveBatch and readArchivedShard', () => {
  it('writes one object per batch and reads the shard back in stream order', async () => {
    const s = store();
    await archiveBatch(s, SHARD, range(10, 19));
    await archiveBatch(s, SHARD, range(0, 9));
    assert.deepEqual(await archivedShards(s, '2026-04-14'), [SHARD]);
    assert.deepEqual(
      (await readAll(s)).map((r) => r.sequenceNumber),
      range(0, 19).map((r) => r.sequenceNumber),
    );
  });

  it('keeps every record once after an exact retry, a retry from a record and a bisected batch', async () => {
    const s = store();
    const first = await archiveBatch(s, SHARD, range(0, 9));
    const again = await archiveBatch(s, SHARD, range(0, 9)); // redelivered: same key, overwritten
    assert.deepEqual(again.keys, first.keys);
    await archiveBatch(s, SHARD, range(6, 14)); // retried from record 6, with newer records
    await archiveBatch(s, SHARD, range(6, 10)); // a bisected half
    await archiveBatch(s, SHARD, range(11, 14));
    const stats = { objects: 0, records: 0, duplicates: 0, bytes: 0 };
    const read: ArchivedRecord[] = [];
    for await (const r of readArchivedShard(s, '2026-04-14', SHARD, stats)) read.push(r);
    assert.deepEqual(
      read.map((r) => r.sequenceNumber),
      range(0, 14).map((r) => r.sequenceNumber),
    );
    assert.equal((await s.list('2026-04-14/')).filter((k) => k.endsWith('.vnsa')).length, 4);
    assert.equal(stats.records, 15);
    assert.ok(stats.duplicates >= 4, `the overlap of the retry was dropped (${stats.duplicates})`);
  });

  it('dates a record by its first frame, an undecodable one by its arrival', async () => {
    const s = store();
    const late = { ...record(1), arrivalMs: Date.parse('2026-04-16T02:00:00Z') }; // frames of the 14th
    const junk = { ...record(2), arrivalMs: Date.parse('2026-04-15T02:00:00Z'), data: Uint8Array.of(9, 9) };
    await archiveBatch(s, SHARD, [late, junk]);
    assert.deepEqual(
      (await readAll(s, '2026-04-14')).map((r) => r.sequenceNumber),
      [late.sequenceNumber],
    );
    assert.deepEqual(
      (await readAll(s, '2026-04-15')).map((r) => r.data),
      [junk.data],
    );
  });

  it('splits a batch across ICT midnight into one object per trading date', async () => {
    const s = store();
    const midnight = Date.parse('2026-04-14T17:00:00Z'); // 00:00 ICT on the 15th
    const records = [
      record(1, midnight - 2),
      record(2, midnight - 1),
      record(3, midnight),
      record(4, midnight + 1),
    ];
    const written = await archiveBatch(s, SHARD, records);
    assert.equal(written.objects, 2);
    assert.deepEqual(
      (await readAll(s, '2026-04-14')).map((r) => r.arrivalMs),
      [midnight - 2, midnight - 1],
    );
    assert.deepEqual(
      (await readAll(s, '2026-04-15')).map((r) => r.arrivalMs),
      [midnight, midnight + 1],
    );
  });

  it('reads nothing for a day never archived, and refuses a malformed date', async () => {
    const s = store();
    assert.deepEqual(await readAll(s, '2026-01-02'), []);
    await assert.rejects(() => archivedShards(s, '14/04/2026'), /YYYY-MM-DD/);
  });
});
