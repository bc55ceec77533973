import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inputOf } from '../../scripts/frames.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/iboard/${name}`, import.meta.url));

function runFrames(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/frames.ts', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
  return { status: result.status, out: lines(result.stdout), err: lines(result.stderr) };
}

describe('npm run frames', () => {
  it('prints one parsed object per incoming frame of a recorded session, rejections on stderr', () => {
    const { status, out, err } = runFrames([fixture('session.jsonl')]);
    assert.equal(status, 0);
    const parsed = out.map((l) => JSON.parse(l));
    assert.deepEqual(
      parsed.map((p) => p.kind),
      ['control', 'stock', 'index'],
    );
    assert.equal(parsed[0].t, 1776148328640);
    assert.equal(parsed[1].totalValue, 286268130000);
    assert.equal(err.length, 1);
    const rejection = JSON.parse(err[0]);
    assert.equal(rejection.kind, 'rejected');
    assert.equal(rejection.field, 54);
    assert.match(rejection.reason, /totalVolume/);
    assert.equal(rejection.line, 4);
  });

  it('reads raw frames from stdin with FILE -', () => {
    const { status, out, err } = runFrames(['-'], readFileSync(fixture('frames.txt'), 'utf8'));
    assert.equal(status, 0);
    assert.deepEqual(
      out.map((l) => JSON.parse(l).kind),
      ['stock', 'trade', 'control'],
    );
    assert.equal(err.length, 1);
    assert.match(JSON.parse(err[0]).reason, /wrong field count/);
  });

  it('fails with a clear message on an unreadable file', () => {
    const { status, out, err } = runFrames(['/nonexistent/frames.txt']);
    assert.equal(status, 1);
    assert.equal(out.length, 0);
    assert.match(err.join('\n'), /cannot read \/nonexistent\/frames.txt: ENOENT/);
  });
});

describe('inputOf', () => {
  it('takes incoming recorded lines, skips other directions, and keeps anything else as a raw frame', () => {
    assert.deepEqual(inputOf('{"t":1,"dir":"in","raw":"I#VN30|1"}'), { raw: 'I#VN30|1', t: 1 });
    assert.equal(inputOf('{"t":1,"dir":"out","raw":"{}"}'), undefined);
    assert.deepEqual(inputOf('{"type":"ack"}'), { raw: '{"type":"ack"}' });
    assert.deepEqual(inputOf('{"raw": broken'), { raw: '{"raw": broken' });
  });
});
