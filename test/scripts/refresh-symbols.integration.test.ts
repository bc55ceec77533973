import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'refresh-symbols-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/refresh-symbols.ts', ...args], {
      cwd: ROOT,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

let server: Server | undefined;
afterEach(() => server?.close());

function serve(body: unknown): Promise<string> {
  server = createServer((_req, res) => res.end(JSON.stringify(body)));
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`),
    ),
  );
}

describe('npm run refresh-symbols', () => {
  it('replaces the file only with a validated list', async () => {
    const out = join(dir, 'ok.json');
    writeFileSync(out, '{"FPT":"hose:974"}');
    const url = await serve({
      data: [
        { code: 'FPT', stockNo: 'hose:974', exchange: 'HOSE' },
        { code: 'SHS', stockNo: 'hnx:2', exchange: 'HNX' },
      ],
    });
    const result = await run(['--url', url, '--out', out]);
    assert.equal(result.status, 0, result.err);
    assert.match(result.out, /2 symbols: 1 added/);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { FPT: 'hose:974', SHS: 'hnx:2' });
  });

  it('leaves the file untouched when the list would shrink too much', async () => {
    const out = join(dir, 'shrink.json');
    const original = JSON.stringify({ AAA: 'hose:1', BBB: 'hose:2', CCC: 'hose:3' });
    writeFileSync(out, original);
    const url = await serve({ data: [{ code: 'AAA', stockNo: 'hose:1', exchange: 'HOSE' }] });
    const result = await run(['--url', url, '--out', out]);
    assert.equal(result.status, 1);
    assert.match(result.err, /shrink from 3 to 1 .*--force/);
    assert.equal(readFileSync(out, 'utf8'), original);
  });

  it('says clearly when the API cannot be reached', async () => {
    const out = join(dir, 'offline.json');
    writeFileSync(out, '{}');
    // A port that was just free: nothing listens there, so the connection is refused at once.
    const url = await serve({});
    await new Promise((resolve) => server!.close(resolve));
    const result = await run(['--url', `${url}defaultAllStocks`, '--out', out]);
    assert.equal(result.status, 1);
    assert.match(
      result.err,
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/defaultAllStocks: .*ECONNREFUSED.*not changed/,
    );
    assert.equal(readFileSync(out, 'utf8'), '{}');
  });
});
