/**
 * Worker thread that packs and compresses records (`core/records`' RecordPacker), so the
 * deflate work never blocks the websocket thread: frames are stamped the moment they
 * arrive, and a second core does the compression. Protocol: see `packing.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PackedRecord, type PackerOptions, RecordPacker } from '../core/records/index.ts';
import type { FromPackWorker, ToPackWorker } from './packing.ts';

const port = parentPort;
if (!port) throw new Error('pack-worker.ts runs as a worker thread');
const packer = new RecordPacker(workerData as PackerOptions);

port.on('message', (message: ToPackWorker) => {
  if (message.type === 'add') {
    const closed: PackedRecord[] = [];
    for (const envelope of message.envelopes) {
      const records = packer.add(envelope);
      for (const record of records) closed.push(record);
    }
    send({ type: 'packed', frames: message.envelopes.length, records: closed });
  } else {
    send({ type: 'flushed', id: message.id, records: packer.flush() });
  }
});

function send(message: FromPackWorker): void {
  // Hand the compressed bytes over instead of copying them, when they own their buffer.
  const transfer = message.records
    .map((r) => r.data)
    .filter((d) => d.byteOffset === 0 && d.byteLength === d.buffer.byteLength)
    .map((d) => d.buffer as ArrayBuffer);
  port?.postMessage(message, transfer);
}
