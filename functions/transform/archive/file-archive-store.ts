/**
 * The archive in a directory (the embedded runtime's `<data dir>/archive/`): a key is a
 * relative path, so a day is `archive/YYYY-MM-DD/<shardId>/<first>-<last>.vnsa`.
 * An object is written to a temporary file and renamed into place, so a crash mid-write
 * never leaves half an object where a reader would find it (rename is atomic on POSIX),
 * and a retried write of the same key replaces the object, as on S3.
 *
 * @example
 * const store = new FileArchiveStore('.local-data/archive');
 * await store.put('2026-04-14/shardId-000000000000/1-9.vnsa', bytes);
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ArchiveStore } from '../../../core/archive/store.ts';

let tempCounter = 0;

export class FileArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = resolve(root);
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
    await writeFile(temp, body);
    await rename(temp, path);
  }

  async list(prefix: string): Promise<string[]> {
    // The prefix is a directory (`2026-04-14/`) or a path start: list from its directory.
    const start = prefix.endsWith('/') ? this.pathOf(prefix) : dirname(this.pathOf(prefix));
    let entries: string[];
    try {
      entries = await readdir(start, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .map((entry) => relative(this.location, join(start, entry)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !key.endsWith('.tmp'));
  }

  async get(key: string): Promise<Uint8Array> {
    return readFile(this.pathOf(key));
  }

  private pathOf(key: string): string {
    const path = resolve(this.location, key);
    if (path !== this.location && !path.startsWith(this.location + sep))
      throw new RangeError(`archive key ${key} leaves ${this.location}`);
    return path;
  }
}
