/**
 * Where the event source mapping has got to in each shard, kept in one JSON file so
 * a restart resumes after the last record whose batch completed. Every write goes to
 * a temporary file that is fsynced and renamed over the old one, so a crash leaves
 * either the old or the new checkpoint, never a torn file.
 */

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LocalRuntimeError } from '../../core/errors.ts';

export type ShardCheckpoint = {
  /** Last sequence number whose processing is finished (handled or sent to the on-failure destination). */
  readonly sequenceNumber?: string;
  /** The shard is closed (resharded) and was read to its end. */
  readonly finished?: boolean;
};

type FileShape = { version: 1; shards: Record<string, ShardCheckpoint> };

export class CheckpointFileError extends LocalRuntimeError {
  readonly code = 'CHECKPOINT_FILE_INVALID';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(
      `checkpoint file ${path} is not valid JSON of the expected shape; delete it to start from the stream's start`,
      options,
    );
    this.name = 'CheckpointFileError';
  }
}

export class CheckpointStore {
  private readonly shards: Map<string, ShardCheckpoint>;

  private constructor(
    readonly path: string,
    shards: Record<string, ShardCheckpoint>,
  ) {
    this.shards = new Map(Object.entries(shards));
  }

  /** Opens the store at `path` (an absent file is an empty store). */
  static open(path: string): CheckpointStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new CheckpointStore(path, {});
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed.version !== 1 || typeof parsed.shards !== 'object' || parsed.shards === null)
        throw new Error('shape');
      return new CheckpointStore(path, parsed.shards);
    } catch (error) {
      throw new CheckpointFileError(path, { cause: error });
    }
  }

  get(stream: string, shardId: string): ShardCheckpoint | undefined {
    return this.shards.get(key(stream, shardId));
  }

  /** Records progress and persists it before returning. Never moves backwards. */
  advance(stream: string, shardId: string, sequenceNumber: string): void {
    const current = this.get(stream, shardId)?.sequenceNumber;
    if (current !== undefined && BigInt(current) >= BigInt(sequenceNumber)) return;
    this.shards.set(key(stream, shardId), { sequenceNumber });
    this.persist();
  }

  finish(stream: string, shardId: string): void {
    this.shards.set(key(stream, shardId), { ...this.get(stream, shardId), finished: true });
    this.persist();
  }

  entries(): Record<string, ShardCheckpoint> {
    return Object.fromEntries(this.shards);
  }

  private persist(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const body: FileShape = { version: 1, shards: Object.fromEntries(this.shards) };
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}

function key(stream: string, shardId: string): string {
  return `${stream}/${shardId}`;
}
