/**
 * Where records are packed: in a worker thread (the default: compression is the task's
 * main CPU cost, and it must not delay the stamping of arriving frames) or inline (unit
 * tests, and `PACK_IN_WORKER=off`). Both feed closed records to `sink`, in order.
 *
 * @example
 * const packer = await workerPacker({ buckets: 8 }, (records) => producer.enqueue(records), onError);
 * packer.add(envelope);
 * await packer.flush(); // every open record has reached the sink
 */
import { Worker } from 'node:worker_threads';
import { type Envelope, type PackedRecord, type PackerOptions, RecordPacker } from '../core/records/index.ts';

export type RecordSink = (records: readonly PackedRecord[]) => void;

export type Packer = {
  add(envelope: Envelope): void;
  /** Frames handed over and not yet packed (the worker's queue; always 0 inline). */
  readonly backlog: number;
  /** Closes every open record; resolves once they have reached the sink. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

export type ToPackWorker = { type: 'add'; envelopes: Envelope[] } | { type: 'flush'; id: number };
/** `packed`: one answer per `add`, with the records it closed (often none). */
export type FromPackWorker =
  | { type: 'packed'; frames: number; records: PackedRecord[] }
  | { type: 'flushed'; id: number; records: PackedRecord[] };

export type WorkerPackerHooks = {
  readonly sink: RecordSink;
  readonly onError: (error: Error) => void;
  /** Called after the worker packed a batch (the backlog went down). */
  readonly onPacked?: () => void;
};

export function inlinePacker(options: PackerOptions, sink: RecordSink): Packer {
  const packer = new RecordPacker(options);
  return {
    backlog: 0,
    add(envelope) {
      const closed = packer.add(envelope);
      if (closed.length > 0) sink(closed);
    },
    async flush() {
      const closed = packer.flush();
      if (closed.length > 0) sink(closed);
    },
    async close() {},
  };
}

/** Envelopes are posted to the worker once per event-loop turn, or at this many. */
const BATCH_FRAMES = 1000;

export async function workerPacker(options: PackerOptions, hooks: WorkerPackerHooks): Promise<Packer> {
  const { sink, onError } = hooks;
  const worker = startWorker(options);
  let batch: Envelope[] = [];
  let backlog = 0;
  let scheduled = false;
  let nextFlush = 0;
  const flushes = new Map<number, () => void>();
  worker.on('message', (message: FromPackWorker) => {
    if (message.records.length > 0) sink(message.records);
    if (message.type === 'packed') {
      backlog -= message.frames;
      hooks.onPacked?.();
    } else {
      flushes.get(message.id)?.();
      flushes.delete(message.id);
    }
  });
  worker.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  const post = () => {
    scheduled = false;
    if (batch.length === 0) return;
    worker.postMessage({ type: 'add', envelopes: batch } satisfies ToPackWorker);
    batch = [];
  };
  return {
    get backlog() {
      return backlog;
    },
    add(envelope) {
      backlog++;
      batch.push(envelope);
      if (batch.length >= BATCH_FRAMES) post();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(post);
      }
    },
    flush() {
      post();
      const id = ++nextFlush;
      return new Promise<void>((resolve) => {
        flushes.set(id, resolve);
        worker.postMessage({ type: 'flush', id } satisfies ToPackWorker);
      });
    },
    async close() {
      worker.off('error', onError);
      await worker.terminate();
    },
  };
}

/**
 * Every frame reaches the worker as a short-lived copy: a small young generation (V8's
 * default is ~3x16 MB) is scavenged more often, each time cheaply, and keeps the task's
 * resident memory ~30 MB lower at full speed (measured with bench/ingest.bench.ts).
 */
const resourceLimits = { maxYoungGenerationSizeMb: 8 };

/** The esbuild bundle ships pack-worker.mjs beside main.mjs; from source (tsx) the worker registers tsx first. */
function startWorker(options: PackerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./pack-worker.mjs', import.meta.url), { workerData: options, resourceLimits });
  }
  // A worker does not inherit the tsx loader of `--import tsx` (Node 20): register it inside.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./pack-worker.ts', import.meta.url).href);
  const code = `import(${tsx}).then((api) => { api.register(); return import(${entry}); });`;
  return new Worker(code, { eval: true, workerData: options, resourceLimits });
}
