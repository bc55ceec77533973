/**
 * The transform's CloudWatch metrics (EMF through Powertools), one name per figure:
 * the shared contract of `core/metric-names.ts` allows one dimension (`service`), so
 * "per type" and "per table" are separate metric names. `RowsWritten` and `Rejects` are
 * the shared names the dashboard and alarms already read.
 */
import { METRICS } from '../core/metric-names.ts';

export const TRANSFORM_METRICS = {
  rowsWritten: METRICS.rowsWritten,
  rejects: METRICS.rejects,
  /** Frames by type (Count). */
  framesStock: 'FramesStock',
  framesIndex: 'FramesIndex',
  framesTrade: 'FramesTrade',
  framesControl: 'FramesControl',
  framesUnknown: 'FramesUnknown',
  framesRejected: 'FramesRejected',
  recordsUndecodable: 'RecordsUndecodable',
  /** Trades derived (Count). */
  trades: 'TradesDerived',
  /** Frames skipped as already applied (a replay) (Count). */
  staleFrames: 'StaleFrames',
  /** Cumulative volume went down (feed reset) or a new day began (Count). */
  volumeResets: 'VolumeResets',
  /** Rows stored per table (Count). */
  rowsTrades: 'RowsWrittenTrades',
  rowsQuotes: 'RowsWrittenQuotes',
  rowsBars: 'RowsWrittenBars',
  rowsIndices: 'RowsWrittenIndices',
  /** Re-sent write requests: unprocessed items (Count). */
  writeRetries: 'WriteRetries',
  /** DynamoDB write capacity units consumed (Count). */
  writeUnits: 'WriteUnits',
  /** Records handed back as `batchItemFailures` (Count). */
  recordsRetried: 'RecordsRetried',
  /** Now minus the arrival time of the batch's oldest record (Milliseconds). */
  oldestRecordAge: 'OldestRecordAge',
} as const;
