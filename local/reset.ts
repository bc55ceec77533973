/**
 * `npm run reset`: deletes the runtime's data directory (emulator data, checkpoints,
 * on-failure files, logs, synthesized template). Refuses while a runtime uses it.
 *
 * Usage: npm run reset [-- --data-dir DIR]
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { claimDataDir } from './runtime/data-dir.ts';

let dir: string;
try {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string', default: '.local-data' } },
    strict: true,
  });
  dir = resolve(values['data-dir'] as string);
} catch (error) {
  console.error(`npm run reset: ${(error as Error).message}`);
  process.exit(2);
}
if (!existsSync(dir)) {
  console.log(`nothing to reset: ${dir} does not exist`);
  process.exit(0);
}
try {
  claimDataDir(dir).release();
} catch (error) {
  console.error(`npm run reset: ${(error as Error).message}`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
console.log(`removed ${dir}`);
