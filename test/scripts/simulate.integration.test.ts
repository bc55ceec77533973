import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stockSubscribeMessages } from '../../core/iboard/subscribe.ts';
import { connect } from '../support/ws-client.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function simulate(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/simulate.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('npm run simulate', () => {
  it('prints its URL, serves clients and stops cleanly on SIGTERM', async () => {
    const child = simulate(['--port', '0', '--symbols', '3', '--rate', '500']);
    try {
      const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/realtime$/);
      const c = await connect(url);
      for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB'] })) c.send(m);
      await c.waitFor(() => c.texts.some((t) => t.startsWith('MAIN|S#VCB|')), 5000, 'a VCB frame');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      await c.closed;
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 2 naming a bad flag', async () => {
    const child = simulate(['--rate', 'fast']);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(stderr, /--rate: expected a number > 0 or max, got "fast"/);
  });
});
