import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { indexSubscribeMessage, stockSubscribeMessages } from '../../../core/iboard/subscribe.ts';
import { startRecording } from '../../../local/simulator/recorder.ts';
import { loadSession } from '../../../local/simulator/replay-source.ts';
import { startSimulator } from '../../../local/simulator/simulator.ts';
import { connect } from '../../support/ws-client.ts';

describe('record -> replay round trip', () => {
  it('records a session the replay then plays back frame for frame', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    const out = join(dir, 'session.jsonl');
    const live = await startSimulator({ symbols: 20, rate: 3000, indexIntervalMs: 100 });
    let replay: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      const summary = await startRecording({
        url: live.url,
        symbols: ['VCB', 'FPT', 'HPG'],
        out,
        durationMs: 500,
      }).done;
      await live.stop();
      assert.equal(summary.connections, 1);
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { t: number; dir: string; raw: string });
      assert.equal(rows[0].dir, 'event');
      assert.equal(rows[0].raw, 'open');
      assert.ok(rows.some((r) => r.dir === 'out' && r.raw.includes('stockRealtimeBySymbolsAndBoards')));
      assert.deepEqual(rows.at(-1)?.raw, 'close');
      const incoming = rows.filter((r) => r.dir === 'in');
      assert.ok(
        incoming.some((r) => r.raw.startsWith('MAIN|S#')) && incoming.some((r) => r.raw.startsWith('I#')),
      );
      assert.ok(
        rows.every((r, i) => i === 0 || r.t >= rows[i - 1].t),
        'times in order',
      );

      replay = await startSimulator({ replay: out, speed: Number.POSITIVE_INFINITY });
      const c = await connect(replay.url);
      for (const m of stockSubscribeMessages({ generation: 'v2', symbols: ['VCB', 'FPT', 'HPG'] })) c.send(m);
      c.send(indexSubscribeMessage({ generation: 'v2' }));
      const expected = loadSession(out).lines.map((l) => l.raw);
      const recordedData = incoming
        .map((r) => r.raw)
        .filter((raw) => raw.startsWith('MAIN|S#') || raw.startsWith('I#'));
      const received = () => c.texts.filter((t) => !t.startsWith('Subscribed '));
      await c.waitFor(() => received().length >= expected.length, 5000, 'the whole recording');
      assert.deepEqual(
        received().filter((raw) => raw.startsWith('MAIN|S#') || raw.startsWith('I#')),
        recordedData,
      );
      await c.close();
    } finally {
      await live.stop();
      await replay?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
