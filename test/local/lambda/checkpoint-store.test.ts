import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CheckpointFileError, CheckpointStore } from '../../../local/lambda/checkpoint-store.ts';

describe('CheckpointStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts empty when there is no file', () => {
    const store = CheckpointStore.open(join(dir, 'state', 'checkpoints.json'));
    assert.equal(store.get('s', 'shardId-000000000000'), undefined);
  });

  it('persists each advance so a new store reads it back', () => {
    const path = join(dir, 'checkpoints.json');
    const store = CheckpointStore.open(path);
    store.advance(
      'frames',
      'shardId-000000000000',
      '49650000000000000000000000000000000000000000000000000001',
    );
    store.finish('frames', 'shardId-000000000001');
    const again = CheckpointStore.open(path);
    assert.equal(
      again.get('frames', 'shardId-000000000000')?.sequenceNumber,
      '49650000000000000000000000000000000000000000000000000001',
    );
    assert.equal(again.get('frames', 'shardId-000000000001')?.finished, true);
    // No temporary file is left behind.
    assert.deepEqual(readdirSync(dir), ['checkpoints.json']);
  });

  it('never moves a shard backwards (numeric comparison of sequence numbers)', () => {
    const path = join(dir, 'checkpoints.json');
    const store = CheckpointStore.open(path);
    store.advance('frames', 'a', '100');
    store.advance('frames', 'a', '99');
    store.advance('frames', 'a', '1000');
    store.advance('frames', 'a', '200');
    assert.equal(CheckpointStore.open(path).get('frames', 'a')?.sequenceNumber, '1000');
    assert.match(readFileSync(path, 'utf8'), /"version": 1/);
  });

  it('refuses a corrupt file with a message naming it', () => {
    const path = join(dir, 'checkpoints.json');
    writeFileSync(path, '{"version":1,"shards":');
    assert.throws(
      () => CheckpointStore.open(path),
      (error: unknown) => {
        assert.ok(error instanceof CheckpointFileError);
        assert.equal(error.code, 'CHECKPOINT_FILE_INVALID');
        assert.match(error.message, /checkpoints\.json/);
        return true;
      },
    );
  });
});
