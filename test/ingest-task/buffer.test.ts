import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { decodeRecord, type PackedRecord } from '../../core/records/index.ts';
import { FrameBuffer } from '../../ingest-task/buffer.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';
import { inlinePacker } from '../../ingest-task/packing.ts';

function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string) => lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A stand-in for the Kinesis producer that holds records until the test acknowledges them. */
function heldProducer() {
  const held: PackedRecord[] = [];
  return {
    held,
    enqueue: (records: readonly PackedRecord[]) => held.push(...records),
    get waitingRecords() {
      return held.length;
    },
  };
}

let counter = 0;
const frame = (symbol = 'FPT') => ({
  raw: `MAIN|S#${symbol}|${counter}`,
  receivedAt: Date.now(),
  connectionId: 'c',
  seq: counter++,
});

function setup(options: { maxFrames: number; blockMs?: number; lingerMs?: number; maxRecordBytes?: number }) {
  const metrics = new IngestMetrics();
  const logger = recordingLogger();
  const producer = heldProducer();
  const events: string[] = [];
  const buffer = new FrameBuffer({
    maxFrames: options.maxFrames,
    lingerMs: options.lingerMs ?? 10,
    blockMs: options.blockMs ?? 60_000,
    packer: inlinePacker({ buckets: 1, maxRecordBytes: options.maxRecordBytes ?? 1024 }, (records) =>
      producer.enqueue(records),
    ),
    producer,
    metrics,
    logger,
    pauseReading: () => events.push('pause'),
    resumeReading: () => events.push('resume'),
  });
  buffers.push(buffer);
  const ackAll = () => {
    for (const record of producer.held.splice(0)) buffer.acknowledge(record, Date.now());
  };
  return { buffer, metrics, logger, producer, events, ackAll };
}

const buffers: FrameBuffer[] = [];
afterEach(() => {
  for (const b of buffers.splice(0)) b.stop();
  mock.timers.reset();
});

/** The buffer's timers on node:test's mock clock: `mock.timers.tick(ms)` moves time on, no sleeping. */
const mockTimers = () => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
/** Lets the promises a timer callback started (the packer's flush) settle. */
const settle = () => new Promise<void>((r) => queueMicrotask(r));

describe('FrameBuffer', () => {
  it('keeps headroom below the bound: 10%, at least 2000 frames, at most half', () => {
    assert.equal(setup({ maxFrames: 200_000 }).buffer.pauseAt, 180_000);
    assert.equal(setup({ maxFrames: 10_000 }).buffer.pauseAt, 8_000);
    assert.equal(setup({ maxFrames: 1_000 }).buffer.pauseAt, 500);
    assert.equal(setup({ maxFrames: 1_000 }).buffer.resumeAt, 250);
  });

  it('pauses reading at pauseAt and resumes at half of it', async () => {
    const { buffer, events, metrics, producer } = setup({ maxFrames: 100 });
    for (let i = 0; i < 49; i++) assert.equal(buffer.add(frame()), true);
    assert.deepEqual(events, []);
    buffer.add(frame());
    assert.deepEqual(events, ['pause']);
    assert.equal(metrics.paused, true);
    await buffer.flush();
    // Acknowledge record by record until the depth reaches resumeAt.
    while (buffer.depth > 25) {
      const record = producer.held.shift() as PackedRecord;
      buffer.acknowledge(record, Date.now());
    }
    assert.deepEqual(events, ['pause', 'resume']);
    assert.equal(metrics.paused, false);
    assert.equal(metrics.ackLatency.count, 50 - buffer.depth);
  });

  it('never holds more than the bound: frames beyond it are shed, counted and logged once', () => {
    const { buffer, metrics, logger } = setup({ maxFrames: 50 });
    let accepted = 0;
    for (let i = 0; i < 80; i++) if (buffer.add(frame())) accepted++;
    assert.equal(accepted, 50);
    assert.equal(buffer.depth, 50);
    assert.equal(metrics.bufferPeak, 50);
    assert.equal(metrics.framesShed, 30);
    assert.equal(logger.lines.filter((l) => l.message === 'buffer full, shedding frames').length, 1);
  });

  it('gives frames accepted after shed ones a new connection id, so the loss is a gap downstream', async () => {
    const { buffer, producer, ackAll } = setup({ maxFrames: 4 });
    for (let i = 0; i < 6; i++) buffer.add(frame());
    await buffer.flush();
    ackAll();
    buffer.add(frame());
    await buffer.flush();
    const ids = producer.held.flatMap((r) => decodeRecord(r.data).map((e) => e.connectionId));
    assert.deepEqual(ids, ['c~1']);
  });

  it('resumes reading after blocking too long and sheds while full, then reports the episode', async () => {
    mockTimers();
    const { buffer, events, metrics, logger, ackAll } = setup({ maxFrames: 20, blockMs: 30 });
    for (let i = 0; i < 10; i++) buffer.add(frame());
    assert.deepEqual(events, ['pause']);
    mock.timers.tick(29);
    assert.deepEqual(events, ['pause'], 'still blocked before BUFFER_BLOCK_SECONDS');
    mock.timers.tick(1);
    assert.deepEqual(events, ['pause', 'resume'], 'reading resumes after BUFFER_BLOCK_SECONDS');
    for (let i = 0; i < 13; i++) buffer.add(frame());
    assert.equal(buffer.depth, 20);
    assert.equal(metrics.framesShed, 3);
    await buffer.flush();
    ackAll();
    assert.equal(buffer.depth, 0);
    assert.ok(logger.lines.some((l) => l.message === 'buffer below bound again, frames were shed'));
  });

  it('flushes open records on the linger timer only while nothing waits for the producer', async () => {
    mockTimers();
    const { buffer, producer } = setup({ maxFrames: 1000, lingerMs: 10, maxRecordBytes: 100_000 });
    buffer.start();
    buffer.add(frame());
    mock.timers.tick(9);
    await settle();
    assert.equal(producer.held.length, 0, 'the record stays open until the linger time');
    mock.timers.tick(1);
    await settle();
    assert.equal(producer.held.length, 1, 'the linger timer closed the record');
    buffer.add(frame());
    buffer.add(frame());
    mock.timers.tick(40);
    await settle();
    assert.equal(producer.held.length, 1, 'a record still waits: the open one keeps filling');
    producer.held.splice(0);
    mock.timers.tick(10);
    await settle();
    assert.equal(producer.held.length, 1);
    assert.equal(producer.held[0].frames, 2);
  });
});
