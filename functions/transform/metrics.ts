/**
 * The transform's CloudWatch metrics (EMF through Powertools), one name per figure:
 * the shared contract of `core/metric-names.ts` allows one dimension (`service`), so
 * "per type" and "per table" are separate metric names. `RowsWritten` and `Rejects` are
 * the shared names the dashboard and alarms already read.
 */
import { METRICS } from '../../core/metric-names.ts';

export const TRANSFORM_METRICS = {
  rowsWritten: METRICS.rowsWritten,
  rejects: METRICS.rejects,
  framesTotal: METRICS.framesTotal,
  /** Shares per row kind (Count): the dashboard's share of volume not seen as trades. */
  volumeTrade: METRICS.volumeTrade,
  volumeOpening: METRICS.volumeOpening,
  volumePreExisting: METRICS.volumePreExisting,
  volumeGap: METRICS.volumeGap,
  volumeCorrection: METRICS.volumeCorrection,
  /** Stock frames with fields appended after the 102 known (Count). */
  framesExtraFields: 'FramesWithExtraFields',
  /** Values set aside as malformed in fields nothing depends on (Count). */
  malformedFields: 'MalformedFields',
  /** Lower cumulative volumes confirmed as corrections (Count). */
  corrections: 'CorrectionsConfirmed',
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
  /** Cumulative volume went down (held pending until confirmed) (Count). */
  volumeDecreases: 'VolumeDecreases',
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
