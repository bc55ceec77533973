/**
 * Bundles the ingest task with esbuild (what the Dockerfile ships): `main.mjs` and its
 * packing worker `pack-worker.mjs`, side by side, with the MQTT schema `stock-data.proto`. `npm run build:ingest` writes them to
 * `dist/ingest-task/`; `-- --outdir DIR` writes elsewhere.
 *
 * The AWS SDK, ws and Powertools are bundled (the image then needs no node_modules);
 * ws's optional native add-ons are left out (it falls back to JavaScript).
 */
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUTDIR = `${ROOT}dist/ingest-task`;

/** Returns the entry point's path and the bytes written (bundles and source maps). */
export async function buildIngestBundle(
  outdir = DEFAULT_OUTDIR,
): Promise<{ outfile: string; bytes: number }> {
  const result = await build({
    entryPoints: [`${ROOT}ingest-task/main.ts`, `${ROOT}ingest-task/pack-worker.ts`],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages call require() for Node built-ins: give the ES module one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  // The MQTT transport reads its protobuf schema beside the module (import.meta.url): in
  // the bundle, beside main.mjs.
  copyFileSync(`${ROOT}core/iboard/stock-data.proto`, `${outdir}/stock-data.proto`);
  const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
  return { outfile: `${outdir}/main.mjs`, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--outdir');
  const { outfile, bytes } = await buildIngestBundle(at > 0 ? process.argv[at + 1] : undefined);
  console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB with source maps)`);
}
