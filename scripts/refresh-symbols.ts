/**
 * `npm run refresh-symbols [-- --force] [--dry-run] [--url URL] [--out FILE]`
 *
 * Fetches iboard's `defaultAllStocks` list, validates it (well-formed symbols and stock ids,
 * non-empty, not shrinking by more than 20% unless `--force`) and only then replaces
 * `core/iboard/symbols.json` (written to a temporary file and renamed, so a crash never leaves
 * half a file). Exit code 1 with a message on any failure; the old file is left untouched.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_ALL_STOCKS_URL,
  formatSymbolFile,
  type SymbolMap,
  symbolMapFromAllStocks,
  validateSymbolRefresh,
} from '../core/iboard/symbol-refresh.ts';

const SYMBOL_FILE = fileURLToPath(new URL('../core/iboard/symbols.json', import.meta.url));
const TIMEOUT_MS = 20_000;
/** The server has refused the library-default User-Agent before (spec); look like a browser. */
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

async function fetchList(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { 'User-Agent': USER_AGENT, Accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach ${url}: ${cause} (offline? the symbol file was not changed)`);
  }
  if (!response.ok)
    throw new Error(`${url} answered HTTP ${response.status}; the symbol file was not changed`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${url} did not answer JSON; the symbol file was not changed`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      url: { type: 'string', default: DEFAULT_ALL_STOCKS_URL },
      out: { type: 'string', default: SYMBOL_FILE },
    },
  });
  const out = values.out;
  const current = JSON.parse(await readFile(out, 'utf8').catch(() => '{}')) as SymbolMap;
  const next = symbolMapFromAllStocks(await fetchList(values.url));
  const diff = validateSymbolRefresh(next, current, { force: values.force });
  console.log(
    `${diff.count} symbols: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} with a new id`,
  );
  if (diff.added.length > 0) console.log(`added: ${diff.added.slice(0, 20).join(' ')}`);
  if (diff.removed.length > 0) console.log(`removed: ${diff.removed.slice(0, 20).join(' ')}`);
  if (values['dry-run']) return console.log('dry run: file not written');
  const temporary = `${out}.${process.pid}.tmp`;
  await writeFile(temporary, formatSymbolFile(next));
  await rename(temporary, out);
  console.log(`wrote ${out}`);
}

main().catch((error: Error) => {
  console.error(`refresh-symbols: ${error.message}`);
  process.exitCode = 1;
});
