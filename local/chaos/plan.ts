/**
 * The chaos run's script: which faults, how long, in what order, and the settings that
 * make them meaningful, scaled by one factor (`--scale`, 1 = the full run, 0.1 = the
 * short one that `npm test` runs). Pure data: `session.ts` plays it.
 *
 * At scale 1 (durations in seconds; the figures):
 * - the source closes the connection 5 times (close codes 1000, 4000, 4001 and two TCP
 *   cuts without a close frame), each once data is flowing again;
 * - the source goes silent for twice the watchdog (2 × 10 s), sockets kept open;
 * - the source cuts the connection and refuses new ones (HTTP 503) for 30 s;
 * - Kinesis unreachable for 20 s; PutRecords refusing 30% of entries for 30 s;
 * - DynamoDB answering 50% of the transform's writes and reads with throttling or 500
 *   errors for 30 s (the SDK retries 4 times, then the transform reports a partial batch);
 * - 100 malformed frames from the source, 5 corrupt records put straight into the stream;
 * - 1% of the stock frames sent with a field appended (SSI adding one), 1% with junk in a
 *   field nothing stores (`1:2` in field 71, `-` in field 99): still data, all run long;
 * - an exchange correction: the most traded symbol's cumulative volume and value halved,
 *   and kept so; the run lasts at least 10 s of frames after it (its confirmation) + 3 s;
 * - the ingest task sent SIGTERM (the runtime restarts it, as ECS would);
 * - a second ingest task on the same stream beside the first for 20 s (a deploy's
 *   overlap), its feed server's clock and its own 1.5 s ahead, then stopped;
 * - the whole runtime stopped (drained) and started again on the same data directory.
 *
 * @example
 * const plan = chaosPlan(0.1); // the short run: same faults, a tenth of the durations
 */
import { ChaosError } from '../../core/errors.ts';

export type ChaosPlan = {
  readonly scale: number;
  /** Ingest no-data watchdog (WATCHDOG_SECONDS). */
  readonly watchdogSeconds: number;
  /** Ingest reconnect backoff cap (RECONNECT_MAX_SECONDS). */
  readonly reconnectMaxSeconds: number;
  /** Pause between two faults of the source track. */
  readonly gapSeconds: number;
  /** Close codes of the 5 closes; `null` = TCP cut without a close frame. */
  readonly closes: readonly (number | null)[];
  readonly silenceSeconds: number;
  readonly refuseSeconds: number;
  readonly kinesisDownSeconds: number;
  readonly putRecordsFailSeconds: number;
  readonly putRecordsFailRate: number;
  readonly dynamoErrorSeconds: number;
  readonly dynamoErrorRate: number;
  readonly poisonFrames: number;
  readonly corruptRecords: number;
  /** Share of stock frames sent with a field appended, and with junk in an unused field. */
  readonly extraFieldRate: number;
  readonly junkFieldRate: number;
  /** Share of the corrected symbol's day volume (and value) the exchange correction takes back. */
  readonly correctionFraction: number;
  /** Seconds the second ingest task runs beside the first once its frames flow. */
  readonly overlapSeconds: number;
  /** How far ahead the second connection's clocks run (its server's field 101, its receive clock). */
  readonly overlapSkewMs: number;
  /** Clean flow after the runtime restart, before the source falls silent and the checks start. */
  readonly tailSeconds: number;
  /** A reconnect slower than this (after the fault ended) is a violation. */
  readonly reconnectLimitSeconds: number;
};

/** Durations never go below this, whatever the scale: one watchdog tick must fit. */
const MIN_SECONDS = 1;

export class ChaosPlanError extends ChaosError {
  readonly code = 'CHAOS_PLAN_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChaosPlanError';
  }
}

export function chaosPlan(scale = 1): ChaosPlan {
  if (!(scale > 0 && scale <= 10)) throw new ChaosPlanError(`--scale must be within (0, 10], got ${scale}`);
  const s = (seconds: number) => Math.max(MIN_SECONDS, Math.round(seconds * scale * 10) / 10);
  const watchdogSeconds = s(10);
  const reconnectMaxSeconds = s(10);
  return {
    scale,
    watchdogSeconds,
    reconnectMaxSeconds,
    gapSeconds: s(6),
    closes: [1000, null, 4000, null, 4001],
    silenceSeconds: 2 * watchdogSeconds,
    refuseSeconds: s(30),
    kinesisDownSeconds: s(20),
    putRecordsFailSeconds: s(30),
    putRecordsFailRate: 0.3,
    dynamoErrorSeconds: s(30),
    dynamoErrorRate: 0.5,
    poisonFrames: 100,
    corruptRecords: 5,
    extraFieldRate: 0.01,
    junkFieldRate: 0.01,
    correctionFraction: 0.5,
    overlapSeconds: s(20),
    // Servers' clocks seen 1–2 s apart: within the derivation's 5 s tolerance.
    overlapSkewMs: 1_500,
    tailSeconds: s(20),
    // A full backoff step after the fault ends, plus time to subscribe and get a frame.
    reconnectLimitSeconds: reconnectMaxSeconds + watchdogSeconds + 5,
  };
}
