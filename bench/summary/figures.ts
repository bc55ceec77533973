/**
 * The rows of the `npm run bench` table: each figure of this pipeline next to its
 * baseline from the same run (the naive producer, the naive per-frame writer, a naive
 * `split('|')`), read from the benchmarks' result files. A figure a benchmark did not
 * produce stays empty, with the reason, never a number from another run.
 */
export type Better = 'higher' | 'lower';

export type FigureRow = {
  readonly section: string;
  readonly figure: string;
  readonly unit: string;
  readonly pipeline?: number;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly better: Better;
  readonly note?: string;
};

export type Results = Partial<Record<'core' | 'ingest' | 'transform' | 'e2e', Record<string, unknown>>>;

/** A number at a dotted path, or undefined. */
export function pick(object: Record<string, unknown> | undefined, path: string): number | undefined {
  let value: unknown = object;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function figureRows(results: Results, missing: Readonly<Record<string, string>>): FigureRow[] {
  const { core, ingest, transform, e2e } = results;
  const why: Why = (step) => (missing[step] ? `not measured: ${missing[step]}` : undefined);
  return [
    ...coreRows(core, why),
    ...ingestRows(ingest, why),
    ...transformRows(transform, why),
    ...endToEndRows(e2e, why),
  ];
}

/** Why a benchmark's figures are missing, or undefined when it ran. */
type Why = (step: string) => string | undefined;

function coreRows(core: Record<string, unknown> | undefined, why: Why): FigureRow[] {
  return [
    {
      section: 'core',
      figure: 'parse frames/s (one core)',
      unit: 'frames/s',
      pipeline: pick(core, 'parseFramesPerSec'),
      baseline: pick(core, 'naiveSplitFramesPerSec'),
      baselineName: "text.split('|') (no typing)",
      better: 'higher',
      note: why('core') ?? 'the parser also types every field',
    },
    {
      section: 'core',
      figure: 'record decode',
      unit: 'MB/s',
      pipeline: pick(core, 'decodeMBps'),
      better: 'higher',
      note: why('core'),
    },
    {
      section: 'core',
      figure: 'record compression',
      unit: '×',
      pipeline: pick(core, 'compressionRatio'),
      baseline: core ? 1 : undefined,
      baselineName: 'uncompressed',
      better: 'higher',
      note: why('core'),
    },
  ];
}

function ingestRows(ingest: Record<string, unknown> | undefined, why: Why): FigureRow[] {
  const naiveProducer = 'naive producer (PutRecord per frame)';
  return [
    {
      section: 'ingest',
      figure: 'frames/s sustained',
      unit: 'frames/s',
      pipeline: pick(ingest, 'framesPerSec'),
      baseline: pick(ingest, 'naiveFramesPerSec'),
      baselineName: naiveProducer,
      better: 'higher',
      note: why('ingest'),
    },
    {
      section: 'ingest',
      figure: 'frames/s sustained, MQTT transport',
      unit: 'frames/s',
      pipeline: pick(ingest, 'mqttFramesPerSec'),
      baseline: pick(ingest, 'framesPerSec'),
      baselineName: 'the V2 websocket (same run)',
      better: 'higher',
      note: why('ingest') ?? 'experimental transport; protobuf decoded, then formatted as a V2 frame',
    },
    {
      section: 'ingest',
      figure: 'Kinesis records / 1,000 frames',
      unit: 'records',
      pipeline: pick(ingest, 'recordsPer1000Frames'),
      baseline: pick(ingest, 'naiveRecordsPer1000Frames'),
      baselineName: naiveProducer,
      better: 'lower',
      note: why('ingest'),
    },
    {
      section: 'ingest',
      figure: 'Kinesis bytes / 1,000 frames',
      unit: 'bytes',
      pipeline: pick(ingest, 'bytesPer1000Frames'),
      baseline: pick(ingest, 'naiveBytesPer1000Frames'),
      baselineName: naiveProducer,
      better: 'lower',
      note: why('ingest'),
    },
    {
      section: 'ingest',
      figure: 'p99 receipt → PutRecords ack',
      unit: 'ms',
      pipeline: pick(ingest, 'p99AckMs'),
      baseline: pick(ingest, 'details.naive.p99AckMs'),
      baselineName: naiveProducer,
      better: 'lower',
      note: why('ingest') ?? 'at the steady rate; the naive producer falls behind it',
    },
    {
      section: 'ingest',
      figure: 'CPU / 100k frames',
      unit: 's',
      pipeline: pick(ingest, 'cpuSecPer100kFrames'),
      better: 'lower',
      note: why('ingest') ?? 'bench:ingest does not measure the naive CPU',
    },
    {
      section: 'ingest',
      figure: 'peak RSS',
      unit: 'MB',
      pipeline: pick(ingest, 'peakRssMb'),
      baseline: pick(ingest, 'details.naive.peakRssMb'),
      baselineName: naiveProducer,
      better: 'lower',
      note: why('ingest'),
    },
  ];
}

function transformRows(transform: Record<string, unknown> | undefined, why: Why): FigureRow[] {
  const naiveWriter = 'naive writer (PutItem per frame and table)';
  return [
    {
      section: 'transform',
      figure: 'decode+parse+derive per core',
      unit: 'frames/s',
      pipeline: pick(transform, 'framesPerSec'),
      better: 'higher',
      note: why('transform') ?? 'no naive equivalent without writes',
    },
    {
      section: 'transform',
      figure: 'frames/s with writes (dynalite)',
      unit: 'frames/s',
      pipeline: pick(transform, 'framesPerSecWithWrites'),
      baseline: pick(transform, 'naiveFramesPerSecWithWrites'),
      baselineName: naiveWriter,
      better: 'higher',
      note: why('transform'),
    },
    {
      section: 'transform',
      figure: 'DynamoDB write units / 1,000 frames, as deployed',
      unit: 'WRU',
      pipeline: pick(transform, 'writeUnitsPer1000Frames'),
      baseline: pick(transform, 'naiveWriteUnitsPer1000Frames'),
      baselineName: naiveWriter,
      better: 'lower',
      note: why('transform') ?? deployedBatchNote(transform),
    },
    {
      section: 'transform',
      figure: 'DynamoDB write units / 1,000 frames, 1 s window',
      unit: 'WRU',
      pipeline: batchFigure(transform, 'window 1 s', 'writeUnitsPer1000Frames'),
      baseline: pick(transform, 'naiveWriteUnitsPer1000Frames'),
      baselineName: naiveWriter,
      better: 'lower',
      note: why('transform') ?? 'batchWindowSeconds=1: the low-latency setting',
    },
    {
      section: 'transform',
      figure: 'DynamoDB write requests / 1,000 frames',
      unit: 'requests',
      pipeline: pick(transform, 'writeRequestsPer1000Frames'),
      baseline: pick(transform, 'naiveWriteRequestsPer1000Frames'),
      baselineName: naiveWriter,
      better: 'lower',
      note: why('transform'),
    },
    {
      section: 'transform',
      figure: 'CQL rows / 1,000 frames, as deployed',
      unit: 'rows',
      pipeline: pick(transform, 'cqlRowsPer1000Frames'),
      better: 'lower',
      note:
        why('transform') ??
        cqlNote(transform, 'SINK=keyspaces: one row per statement Cassandra acknowledged'),
    },
    {
      section: 'transform',
      figure: 'CQL rows written/s (local Cassandra)',
      unit: 'rows/s',
      pipeline: pick(transform, 'cqlRowsPerSec'),
      better: 'higher',
      note: why('transform') ?? cqlNote(transform, 'one node on the bench machine, not Keyspaces'),
    },
    {
      section: 'transform',
      figure: 'peak RSS, batch of 10,000 frames',
      unit: 'MB',
      pipeline: pick(transform, 'peakRssMb'),
      better: 'lower',
      note: why('transform'),
    },
  ];
}

function endToEndRows(e2e: Record<string, unknown> | undefined, why: Why): FigureRow[] {
  return [
    {
      section: 'end to end',
      figure: 'frames/s in (target 2,000)',
      unit: 'frames/s',
      pipeline: pick(e2e, 'framesInPerSec'),
      better: 'higher',
      note: why('e2e'),
    },
    {
      section: 'end to end',
      figure: 'frames/s processed into rows',
      unit: 'frames/s',
      pipeline: processedPerSecond(e2e),
      better: 'higher',
      note: why('e2e') ?? backlogNote(e2e),
    },
    {
      section: 'end to end',
      figure: 'p50 receipt → row readable',
      unit: 'ms',
      pipeline: pick(e2e, 'p50ReceiptToRowMs'),
      better: 'lower',
      note: why('e2e') ?? windowNote(e2e),
    },
    {
      section: 'end to end',
      figure: 'p99 receipt → row readable',
      unit: 'ms',
      pipeline: pick(e2e, 'p99ReceiptToRowMs'),
      better: 'lower',
      note: why('e2e'),
    },
    {
      section: 'end to end',
      figure: 'max iterator age (lag)',
      unit: 'ms',
      pipeline: pick(e2e, 'maxIteratorAgeMs'),
      better: 'lower',
      note: why('e2e'),
    },
    {
      section: 'end to end',
      figure: 'peak RSS, whole runtime',
      unit: 'MB',
      pipeline: pick(e2e, 'peakRssMb.totalMb'),
      better: 'lower',
      note: why('e2e'),
    },
  ];
}

/** A figure of one of the transform's batch sizes (`byBatch` in transform.json). */
function batchFigure(transform: Record<string, unknown> | undefined, name: string, key: string) {
  const batches = transform?.byBatch as Array<Record<string, unknown>> | undefined;
  return pick(
    batches?.find((b) => b.name === name),
    key,
  );
}

function deployedBatchNote(transform: Record<string, unknown> | undefined): string | undefined {
  const frames = pick(transform, 'batchFrames');
  const window = pick(transform, 'batchWindowSeconds');
  const rate = pick(transform, 'peakFramesPerSecond');
  if (frames === undefined || window === undefined || rate === undefined) return undefined;
  return `batches of ${frames.toLocaleString('en')} frames: the ${window} s window at ${rate.toLocaleString('en')} frames/s`;
}

/** Why the CQL figures are missing (`cqlSkipped`), else `note`. */
function cqlNote(transform: Record<string, unknown> | undefined, note: string): string {
  const skipped = transform?.cqlSkipped;
  return typeof skipped === 'string' ? `not measured: ${skipped}` : note;
}

function windowNote(e2e: Record<string, unknown> | undefined): string | undefined {
  const window = pick(e2e, 'batchWindowSeconds');
  return window === undefined ? undefined : `with a ${window} s batching window`;
}

function processedPerSecond(e2e: Record<string, unknown> | undefined): number | undefined {
  const frames = pick(e2e, 'framesProcessed');
  const minutes = pick(e2e, 'minutes');
  return frames === undefined || !minutes ? undefined : Math.round(frames / (minutes * 60));
}

function backlogNote(e2e: Record<string, unknown> | undefined): string | undefined {
  const processed = processedPerSecond(e2e);
  const arriving = pick(e2e, 'framesInPerSec');
  const minutes = pick(e2e, 'minutes');
  if (processed === undefined || arriving === undefined || minutes === undefined) return undefined;
  // The last batching window is still gathering when the run ends, and the first and last
  // seconds are not in step (drain): allow for the window plus 5%.
  const window = pick(e2e, 'batchWindowSeconds') ?? 1;
  const inStep = arriving * (1 - window / (minutes * 60)) * 0.95;
  return processed < inStep
    ? 'below frames/s in: the backlog (lag) grows through the run'
    : 'keeps up with frames/s in (the last batching window is still open at the end)';
}

/** "12× better" / "3.1× worse" / "" when either side is missing. */
export function ratioText(row: Pick<FigureRow, 'pipeline' | 'baseline' | 'better'>): string {
  const { pipeline, baseline } = row;
  if (pipeline === undefined || baseline === undefined || pipeline <= 0 || baseline <= 0) return '';
  const r = row.better === 'higher' ? pipeline / baseline : baseline / pipeline;
  const shown = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  return r >= 1 ? `${shown(r)}× better` : `${shown(1 / r)}× worse`;
}

/** The numeric ratio pipeline ÷ baseline (for the JSON), or undefined. */
export function ratio(row: Pick<FigureRow, 'pipeline' | 'baseline'>): number | undefined {
  if (row.pipeline === undefined || row.baseline === undefined || row.baseline === 0) return undefined;
  return Math.round((row.pipeline / row.baseline) * 1000) / 1000;
}
