import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../core/records/index.ts';
import { createFrameRouter, frameKindOf } from '../../ingest-task/frames.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; details?: unknown }> = [];
  const at = (level: string) => (message: string, details?: unknown) =>
    lines.push({ level, message, details });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const envelope = (raw: string, seq = 0): Envelope => ({ raw, receivedAt: 1, connectionId: 'c', seq });

describe('frameKindOf', () => {
  it('tells frames apart by prefix', () => {
    assert.equal(frameKindOf('MAIN|S#FPT|76300|11800'), 'stock');
    assert.equal(frameKindOf('S#hose:974|FPT|76300'), 'stock');
    assert.equal(frameKindOf('I#VN30|1300.5|1'), 'index');
    assert.equal(frameKindOf('L#hose:643|17550|300'), 'trade');
    assert.equal(frameKindOf('M#hose:643|17550'), 'other');
    assert.equal(frameKindOf('garbage'), 'other');
    assert.equal(frameKindOf(''), 'other');
    assert.equal(frameKindOf('Subscribed stockRealtimeBySymbolsAndBoards'), 'control');
    assert.equal(frameKindOf('{"type":"ack"}'), 'control');
  });
});

describe('createFrameRouter', () => {
  it('forwards data frames, counts and logs control frames without forwarding them', () => {
    const metrics = new IngestMetrics();
    const logger = recordingLogger();
    const forwarded: string[] = [];
    const router = createFrameRouter({ forward: (e) => forwarded.push(e.raw), metrics, logger });
    const frames = [
      'MAIN|S#FPT|1',
      'Subscribed stockRealtimeBySymbolsAndBoards',
      '{"notifySessionByListV2":{"market":"hose","session":"ATO"}}',
      'I#VN30|1300',
      '{"error":"bad topic"}',
      '{not json',
      'L#hose:643|17550|300',
    ];
    frames.forEach((raw, i) => {
      router.onFrame(envelope(raw, i));
    });
    assert.deepEqual(forwarded, ['MAIN|S#FPT|1', 'I#VN30|1300', '{not json', 'L#hose:643|17550|300']);
    assert.deepEqual(metrics.framesIn, { stock: 1, index: 1, trade: 1, other: 1, control: 3, polled: 0 });
    assert.ok(logger.lines.some((l) => l.level === 'info' && l.message === 'server notice'));
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.message === 'server reported an error'));
  });

  it('counts rejected frames and logs the first ones', () => {
    const metrics = new IngestMetrics();
    const logger = recordingLogger();
    const router = createFrameRouter({
      forward: () => assert.fail('rejected frames are not forwarded'),
      metrics,
      logger,
    });
    for (let i = 0; i < 20; i++) router.onRejected('binary', 10, 'c');
    router.onRejected('oversized', 1 << 20, 'c');
    assert.deepEqual(metrics.framesRejected, { binary: 20, oversized: 1, undecodable: 0 });
    assert.equal(metrics.totalFramesIn(), 21);
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 11);
  });
});
