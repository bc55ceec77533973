/**
 * Lambda: reconciliation against the exchange, scheduled after the afternoon close
 * (`infra/constructs/exchange-reconcile.ts`). A thin adapter:
 * 1. the trading date (today in ICT, or `{ "tradingDate": "YYYY-MM-DD" }` in the event);
 *    a non-trading day is skipped;
 * 2. the stored day of every subscribed symbol (`SYMBOLS`, as the ingest task reads it)
 *    from the trades table, and iboard's REST snapshot of the three exchanges;
 * 3. the comparison (`core/exchange-reconcile.ts`): one summary item per trading day in the
 *    control table (`reconcile#YYYY-MM-DD`), each disagreeing symbol logged with both
 *    figures, and the mismatch count published as `ReconcileMismatches` (alarmed).
 *
 * @example
 * aws lambda invoke --function-name <ReconcileFunctionName> \
 *   --payload '{"tradingDate":"2026-04-14"}' --cli-binary-format raw-in-base64-out out.json
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clockFromEnv } from '../core/clock.ts';
import { readAtInit } from '../core/config.ts';
import { describeMismatch } from '../core/exchange-reconcile.ts';
import { isTradingDay } from '../core/market/calendar.ts';
import { ictDate } from '../core/market/ict-time.ts';
import { METRIC_NAMESPACE, METRIC_SERVICES, METRICS } from '../core/metric-names.ts';
import { SnapshotClient } from '../ingest-task/snapshot-client.ts';
import { ReconcileConfigError, readReconcileConfig, snapshotUrlOf } from './reconcile/config.ts';
import { reconcileAgainstExchange } from './reconcile/exchange-snapshot.ts';
import { readStoredTotals, summaryItemOf, writeSummary } from './reconcile/summary-store.ts';

export type ReconcileResult =
  | { readonly tradingDate: string; readonly skipped: string }
  | {
      readonly tradingDate: string;
      readonly checked: number;
      readonly mismatches: number;
      /** The first mismatches, `SYMBOL: stored N, exchange M (±D)`. */
      readonly examples: readonly string[];
    };

const logger = new Logger({ serviceName: METRIC_SERVICES.reconcile });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICES.reconcile });
const dynamo = new DynamoDBClient({});
/** Read and checked at init; a missing variable fails every invocation naming it. */
const settings = readAtInit(() => readReconcileConfig(process.env));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function handler(input: unknown): Promise<ReconcileResult> {
  const { tradesTable, controlTable, symbols } = settings();
  const requested = (input as { tradingDate?: unknown } | undefined)?.tradingDate;
  if (requested !== undefined && (typeof requested !== 'string' || !DATE.test(requested))) {
    throw new ReconcileConfigError('tradingDate', `must be YYYY-MM-DD, got ${JSON.stringify(requested)}`);
  }
  const now = clockFromEnv(process.env)();
  const tradingDate = (requested as string | undefined) ?? ictDate(now);
  if (!isTradingDay(tradingDate)) {
    logger.info('not a trading day, nothing to reconcile', { tradingDate });
    return { tradingDate, skipped: 'not a trading day' };
  }

  const stored = await readStoredTotals(dynamo, tradesTable, symbols, tradingDate);
  // Read per call: the embedded runtime points SNAPSHOT_URL at its simulator after loading.
  const client = new SnapshotClient({ baseUrl: snapshotUrlOf(process.env) });
  const result = await reconcileAgainstExchange(stored, { tradingDate, symbols, client });
  await writeSummary(dynamo, controlTable, summaryItemOf(result, Date.now()));

  metrics.addMetric(METRICS.reconcileMismatches, MetricUnit.Count, result.mismatches.length);
  metrics.publishStoredMetrics();
  const examples = result.mismatches.slice(0, 20).map(describeMismatch);
  for (const line of examples) logger.warn('stored day differs from the exchange', { mismatch: line });
  if (result.rejectedRows.length > 0) {
    logger.warn('snapshot rows not usable', {
      count: result.rejectedRows.length,
      first: result.rejectedRows[0],
    });
  }
  logger.info('reconciled against the exchange', {
    tradingDate,
    checked: result.checked,
    agreeing: result.agreeing,
    mismatches: result.mismatches.length,
    notInSnapshot: result.notInSnapshot.length,
    otherDate: result.otherDate.length,
  });
  return { tradingDate, checked: result.checked, mismatches: result.mismatches.length, examples };
}
