import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes used by the files under `dir` (0 when it does not exist). */
export function dirBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    total += stat.isDirectory() ? dirBytes(path) : stat.size;
  }
  return total;
}
