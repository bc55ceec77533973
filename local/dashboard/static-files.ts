/**
 * The page's files: `static/` beside this module (no build step) and the standalone
 * build of lightweight-charts from `node_modules`, at `/vendor/lightweight-charts.js`.
 * Only plain file names of known types are served; nothing outside those two places.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_ERROR_CODES, DashboardRequestError } from './errors.ts';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** The package's `exports` hide `dist/`, so find the package root from its package.json. */
function chartsPath(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('lightweight-charts/package.json'));
  return join(root, 'dist', 'lightweight-charts.standalone.production.js');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const CHARTS_ROUTE = '/vendor/lightweight-charts.js';

export type StaticFile = { readonly contentType: string; readonly body: Buffer };

export async function staticFile(pathname: string): Promise<StaticFile> {
  const path = resolvePath(pathname);
  if (path) {
    try {
      return { contentType: CONTENT_TYPES[extname(path)], body: await readFile(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new DashboardRequestError(DASHBOARD_ERROR_CODES.NOT_FOUND, 404, `no file ${pathname}`);
}

function resolvePath(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return join(STATIC_DIR, 'index.html');
  if (pathname === CHARTS_ROUTE) return chartsPath();
  const name = pathname.slice(1);
  // A single plain file name: no directories, no dot-files, a known extension.
  if (!/^[a-z0-9][a-z0-9-]*\.[a-z]+$/.test(name) || !(extname(name) in CONTENT_TYPES)) return undefined;
  return join(STATIC_DIR, name);
}
