/**
 * `npm run fuzz [-- --runs N] [--seed S] [--target parse|decode]`: fuzzes `parseFrame` and
 * `decodeRecord` with fast-check (default 1,000,000 inputs, split between the two targets).
 *
 * Inputs: arbitrary and binary strings, pipe-joined field arrays, valid frames cut, spliced
 * and with characters replaced, non-string values; for the codec random bytes, valid records
 * truncated, bit-flipped or re-versioned, and valid zlib streams of damaged payloads.
 *
 * Checked for every input: no exception (the codec may throw only its `RecordDecodeError` with
 * a code and a message), every rejection has a reason, and no input takes longer than
 * {@link MAX_MS_PER_INPUT}; the first violation stops the run and is shrunk by fast-check. Each
 * target runs in a worker watched from the main thread, so an input that never returns is
 * reported as a hang (with its seed and index) instead of freezing the run.
 *
 * Also counted, without stopping the run: a bit-flipped record that decodes into different
 * envelopes instead of being rejected (`silentCorruptions`; zlib's Adler-32 misses some damage).
 * Exit code 1 on a violation or a silent corruption.
 */

import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { formatIndexFrame, formatStockFrame, formatTradeFrame } from '../core/iboard/format-frame.ts';
import { parseFrame } from '../core/iboard/parse-frame.ts';
import {
  decodeRecord,
  type Envelope,
  encodeRecord,
  RECORD_DECODE_ERROR_CODES,
  RecordDecodeError,
} from '../core/records/index.ts';
import { indexFrameArb, stockFrameArb, tradeFrameArb } from '../test/core/iboard/arbitraries.ts';

export const TARGETS = ['parse', 'decode'] as const;
export type FuzzTarget = (typeof TARGETS)[number];
export type FuzzSummary = {
  target: FuzzTarget;
  runs: number;
  rejected: number;
  maxMs: number;
  /** Damaged records decoded into different envelopes instead of being rejected. */
  silentCorruptions: number;
  /** The first of them, as a hex string. */
  corruptionExample?: string;
  failure?: string;
};

/**
 * An input slower than this fails the run. Inputs normally take well under 20 ms; the margin
 * absorbs garbage-collection pauses on a loaded machine, while a quadratic path on a 256 KB
 * frame would still blow it.
 */
export const MAX_MS_PER_INPUT = 1000;
/** No progress for this long means an input hangs. */
const HANG_MS = 30_000;
const PARSE_KINDS = new Set(['stock', 'index', 'trade', 'control', 'unknown', 'rejected']);
const DECODE_CODES = new Set<string>(Object.values(RECORD_DECODE_ERROR_CODES));

// ---- inputs ---------------------------------------------------------------------------------

const validFrameArb = fc.oneof(
  { weight: 3, arbitrary: stockFrameArb.map(formatStockFrame) },
  { weight: 1, arbitrary: indexFrameArb.map(formatIndexFrame) },
  { weight: 1, arbitrary: tradeFrameArb.map(formatTradeFrame) },
);

/** A valid frame damaged at a random place: cut, a character replaced, or a pipe removed/added. */
const damaged = (frames: fc.Arbitrary<string>) =>
  fc
    .tuple(
      frames,
      fc.nat(),
      fc.constantFrom('cut', 'replace', 'drop-pipe', 'add-pipe'),
      fc.string({ minLength: 1, maxLength: 3 }),
    )
    .map(([frame, n, how, text]) => {
      const at = n % (frame.length + 1);
      if (how === 'cut') return frame.slice(0, at);
      if (how === 'replace') return frame.slice(0, at) + text + frame.slice(at + 1);
      if (how === 'add-pipe') return `${frame.slice(0, at)}|${frame.slice(at)}`;
      const pipe = frame.indexOf('|', at);
      return pipe < 0 ? frame : frame.slice(0, pipe) + frame.slice(pipe + 1);
    });

const fieldArb = fc.oneof(
  fc.constant(''),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ maxLength: 6 }),
);
const fieldsArb = fc
  .tuple(
    fc.constantFrom('MAIN', 'S#hose:1', 'I#VN30', 'L#hose:1', '', 'M#x'),
    fc.constantFrom('S#FPT', 'FPT', ''),
    fc.array(fieldArb, { maxLength: 110 }),
  )
  .map(([a, b, rest]) => [a, b, ...rest].join('|'));

/** Pools of valid frames and records, generated once per run: mutating them is much cheaper than generating anew. */
const POOL_SIZE = 400;
/** The pool for a run of `runs` inputs: each pooled value is mutated ~10 times or more. */
const poolSize = (runs: number) => Math.min(POOL_SIZE, Math.ceil(runs / 10));
const fromPool = <T>(pool: T[]) => fc.nat({ max: pool.length - 1 }).map((i) => pool[i]);

function frameInputs(seed: number, runs: number): fc.Arbitrary<unknown> {
  const pool = fromPool(fc.sample(validFrameArb, { numRuns: poolSize(runs), seed }));
  return fc.oneof(
    { weight: 4, arbitrary: damaged(pool) },
    { weight: 1, arbitrary: damaged(validFrameArb) },
    { weight: 2, arbitrary: fieldsArb },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50, unit: 'binary' }) },
    { weight: 1, arbitrary: validFrameArb },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(300_000), `MAIN|S#FPT${'|1'.repeat(120_000)}`, '') },
  );
}

const envelopeArb: fc.Arbitrary<Envelope> = fc.record({
  raw: fc.oneof(validFrameArb, fc.string({ maxLength: 40, unit: 'grapheme' })),
  receivedAt: fc.double(),
  connectionId: fc.string({ maxLength: 8, unit: 'grapheme' }),
  seq: fc.nat(),
});
/** A valid record, what it decodes to (lone surrogates in `raw` come back as U+FFFD) and its payload. */
const validRecordArb = fc.array(envelopeArb, { minLength: 1, maxLength: 8 }).map((list) => {
  const bytes = encodeRecord(list);
  return {
    bytes,
    envelopes: decodeRecord(bytes),
    payload: Uint8Array.from(inflateSync(bytes.subarray(RECORD_HEADER_BYTES))),
  };
});

type RecordInput = { bytes: Uint8Array; original?: Envelope[] };

/** Version byte + CRC-32 of the payload come before the zlib stream (see core/records/codec.ts). */
const RECORD_HEADER_BYTES = 5;

/** A record whose header is right for `payload`, so decoding reaches the payload reader. */
function withValidHeader(payload: Uint8Array): Uint8Array {
  const compressed = deflateSync(payload, { level: 1 });
  const bytes = new Uint8Array(RECORD_HEADER_BYTES + compressed.length);
  bytes[0] = 1;
  new DataView(bytes.buffer).setUint32(1, crc32(payload), true);
  bytes.set(compressed, RECORD_HEADER_BYTES);
  return bytes;
}

function withVersion(version: number, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(body.length + 1);
  bytes[0] = version;
  bytes.set(body, 1);
  return bytes;
}

function recordInputs(seed: number, runs: number): fc.Arbitrary<RecordInput> {
  const recordArb = fc.oneof(
    { weight: 19, arbitrary: fromPool(fc.sample(validRecordArb, { numRuns: poolSize(runs), seed })) },
    { weight: 1, arbitrary: validRecordArb },
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(recordArb, fc.nat())
        .map(([r, n]) => ({ bytes: r.bytes.slice(0, n % r.bytes.length) })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(recordArb, fc.array(fc.nat(), { minLength: 1, maxLength: 3 })).map(([r, flips]) => {
        const bytes = r.bytes.slice();
        for (const f of flips) bytes[(f >> 3) % bytes.length] ^= 1 << (f & 7);
        return { bytes, original: r.envelopes };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(recordArb, fc.integer({ min: 0, max: 255 }))
        .map(([r, v]) => ({ bytes: withVersion(v, r.bytes.subarray(1)) })),
    },
    { weight: 1, arbitrary: recordArb.map((r) => ({ bytes: r.bytes, original: r.envelopes })) },
    {
      // Valid compression and CRC around a damaged payload: reaches the payload reader past the checksums.
      weight: 3,
      arbitrary: fc.tuple(recordArb, fc.nat(), fc.nat(), fc.boolean()).map(([r, cut, flip, truncate]) => {
        const payload = r.payload;
        const damaged = truncate ? payload.slice(0, cut % payload.length) : payload.slice();
        if (!truncate) damaged[(flip >> 3) % damaged.length] ^= 1 << (flip & 7);
        return { bytes: withValidHeader(damaged) };
      }),
    },
  );
}

// ---- checks ---------------------------------------------------------------------------------

type Outcome = 'accepted' | 'rejected' | 'corrupted';

/** Throws an Error describing a violation, or says what became of the input. */
function checkParse(parse: typeof parseFrame, input: unknown): Outcome {
  const result = parse(input as string);
  if (!PARSE_KINDS.has(result.kind)) throw new Error(`unexpected kind ${String(result.kind)}`);
  if (result.kind !== 'rejected') return 'accepted';
  if (typeof result.reason !== 'string' || result.reason.length === 0)
    throw new Error('rejection without a reason');
  return 'rejected';
}

function checkDecode(decode: typeof decodeRecord, input: RecordInput): Outcome {
  let envelopes: Envelope[];
  try {
    envelopes = decode(input.bytes);
  } catch (error) {
    if (!(error instanceof RecordDecodeError))
      throw new Error(`decodeRecord threw ${String(error)}`, { cause: error });
    if (!DECODE_CODES.has(error.code) || error.message.length === 0)
      throw new Error(`bad RecordDecodeError ${error.code}`);
    return 'rejected';
  }
  if (!Array.isArray(envelopes)) throw new Error('decodeRecord returned no list');
  return input.original === undefined || isDeepStrictEqual(envelopes, input.original)
    ? 'accepted'
    : 'corrupted';
}

/** Runs `runs` inputs against one target; synchronous, so a hang blocks the caller (see the worker). */
export function fuzzTarget(
  target: FuzzTarget,
  options: {
    runs: number;
    seed: number;
    onProgress?: (done: number) => void;
    /** The functions under test (tests substitute broken ones to see the fuzzer catch them). */
    parse?: typeof parseFrame;
    decode?: typeof decodeRecord;
  },
): FuzzSummary {
  const parse = options.parse ?? parseFrame;
  const decode = options.decode ?? decodeRecord;
  const summary: FuzzSummary = { target, runs: 0, rejected: 0, maxMs: 0, silentCorruptions: 0 };
  const timed =
    <T>(check: (input: T) => Outcome) =>
    (input: T) => {
      const start = performance.now();
      const outcome = check(input);
      const ms = performance.now() - start;
      summary.runs++;
      if (outcome === 'rejected') summary.rejected++;
      if (outcome === 'corrupted' && summary.silentCorruptions++ === 0) {
        summary.corruptionExample = Buffer.from((input as RecordInput).bytes).toString('hex');
      }
      if (ms > summary.maxMs) summary.maxMs = ms;
      if (ms > MAX_MS_PER_INPUT)
        throw new Error(`input took ${ms.toFixed(0)} ms (limit ${MAX_MS_PER_INPUT})`);
      if (summary.runs % 1000 === 0) options.onProgress?.(summary.runs);
    };
  const property =
    target === 'parse'
      ? fc.property(
          frameInputs(options.seed, options.runs),
          timed((input: unknown) => checkParse(parse, input)),
        )
      : fc.property(
          recordInputs(options.seed, options.runs),
          timed((input: RecordInput) => checkDecode(decode, input)),
        );
  const details = fc.check(property, { numRuns: options.runs, seed: options.seed });
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    summary.failure = `${cause}\n${fc.defaultReportMessage(details) ?? ''}`;
  }
  summary.maxMs = Math.round(summary.maxMs * 100) / 100;
  return summary;
}

// ---- command line ---------------------------------------------------------------------------

function runInWorker(target: FuzzTarget, runs: number, seed: number): Promise<FuzzSummary> {
  return new Promise((resolve) => {
    // The worker runs this TypeScript file too: it registers tsx's loader first (workers do not
    // inherit the main thread's module hooks on Node 20), then imports this module.
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: { target, runs, seed } });
    let done = 0;
    let lastReport = 0;
    let watchdog = setTimeout(onHang, HANG_MS);
    function onHang() {
      void worker.terminate();
      resolve({
        target,
        runs: done,
        rejected: 0,
        maxMs: HANG_MS,
        silentCorruptions: 0,
        failure: `hang: no progress for ${HANG_MS / 1000} s after input ${done} (seed ${seed})`,
      });
    }
    worker.on('message', (message: { done?: number; summary?: FuzzSummary }) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(onHang, HANG_MS);
      if (message.done !== undefined) {
        done = message.done;
        if (done - lastReport >= runs / 20) {
          lastReport = done;
          console.log(`  ${target}: ${done.toLocaleString('en')} / ${runs.toLocaleString('en')}`);
        }
      }
      if (message.summary !== undefined) {
        clearTimeout(watchdog);
        resolve(message.summary);
      }
    });
    worker.on('error', (error) => {
      clearTimeout(watchdog);
      resolve({
        target,
        runs: done,
        rejected: 0,
        maxMs: 0,
        silentCorruptions: 0,
        failure: `worker crashed: ${error.message}`,
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
      target: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const targets = values.target === undefined ? [...TARGETS] : [values.target as FuzzTarget];
  if (!targets.every((t) => TARGETS.includes(t)))
    throw new Error(`--target must be one of ${TARGETS.join(', ')}`);
  console.log(`fuzzing ${targets.join(' and ')} with ${runs.toLocaleString('en')} inputs, seed ${seed}`);
  const started = performance.now();
  const summaries: FuzzSummary[] = [];
  for (const target of targets)
    summaries.push(await runInWorker(target, Math.ceil(runs / targets.length), seed));
  const seconds = (performance.now() - started) / 1000;
  for (const s of summaries) {
    const status = s.failure === undefined ? 'ok' : 'FAILED';
    console.log(
      `${s.target}: ${status}, ${s.runs.toLocaleString('en')} inputs, ${s.rejected.toLocaleString('en')} rejected with a reason, slowest ${s.maxMs} ms`,
    );
    if (s.failure !== undefined) console.log(s.failure);
    if (s.silentCorruptions > 0) {
      console.log(
        `${s.target}: ${s.silentCorruptions} damaged record(s) decoded into different envelopes instead of being rejected; first (hex): ${s.corruptionExample}`,
      );
    }
  }
  const total = summaries.reduce((sum, s) => sum + s.runs, 0);
  console.log(
    `${total.toLocaleString('en')} inputs in ${seconds.toFixed(1)} s (${Math.round(total / seconds).toLocaleString('en')}/s)`,
  );
  if (summaries.some((s) => s.failure !== undefined || s.silentCorruptions > 0)) process.exitCode = 1;
}

if (!isMainThread && workerData?.target !== undefined) {
  const { target, runs, seed } = workerData as { target: FuzzTarget; runs: number; seed: number };
  const summary = fuzzTarget(target, { runs, seed, onProgress: (done) => parentPort?.postMessage({ done }) });
  parentPort?.postMessage({ summary });
} else if (
  isMainThread &&
  process.argv[1] !== undefined &&
  fileURLToPath(import.meta.url) === process.argv[1]
) {
  main().catch((error: Error) => {
    console.error(`fuzz: ${error.message}`);
    process.exitCode = 1;
  });
}
