/**
 * CloudWatch metrics on AWS: every interval, the growth of the main counters is
 * written to stdout in the Embedded Metric Format (Powertools `Metrics`), which
 * CloudWatch Logs turns into metrics (namespace and names: `core/metric-names.ts`), with
 * the source in use (V2, MQTT or REST polling) as a code. Nothing is written while the
 * counters did not move and the source did not change.
 *
 * @example
 * const stop = startEmfPublisher({ metrics, intervalMs: 60_000 });
 * stop(); // publishes the last interval
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, METRIC_SERVICES, METRICS, SOURCE_CODES } from '../core/metric-names.ts';
import type { IngestMetrics } from './metrics.ts';

export type EmfPublisherOptions = { readonly metrics: IngestMetrics; readonly intervalMs: number };

type Totals = {
  framesIn: number;
  recordsPut: number;
  bytesPut: number;
  framesShed: number;
  reconnects: number;
  transportSwitches: number;
};

export function startEmfPublisher(options: EmfPublisherOptions): () => void {
  const emf = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICES.ingest });
  let last = totals(options.metrics);
  let lastSource = options.metrics.activeSource();
  const publish = () => {
    const now = totals(options.metrics);
    const delta = {
      framesIn: now.framesIn - last.framesIn,
      recordsPut: now.recordsPut - last.recordsPut,
      bytesPut: now.bytesPut - last.bytesPut,
      framesShed: now.framesShed - last.framesShed,
      reconnects: now.reconnects - last.reconnects,
      transportSwitches: now.transportSwitches - last.transportSwitches,
    };
    last = now;
    const source = options.metrics.activeSource();
    const sourceChanged = source !== lastSource;
    lastSource = source;
    if (!sourceChanged && Object.values(delta).every((v) => v === 0)) return;
    emf.addMetric(METRICS.framesIn, MetricUnit.Count, delta.framesIn);
    emf.addMetric(METRICS.recordsPut, MetricUnit.Count, delta.recordsPut);
    emf.addMetric(METRICS.bytesPut, MetricUnit.Bytes, delta.bytesPut);
    emf.addMetric(METRICS.framesShed, MetricUnit.Count, delta.framesShed);
    emf.addMetric(METRICS.reconnects, MetricUnit.Count, delta.reconnects);
    emf.addMetric(METRICS.transportSwitches, MetricUnit.Count, delta.transportSwitches);
    emf.addMetric(METRICS.ingestSource, MetricUnit.NoUnit, SOURCE_CODES[source]);
    emf.publishStoredMetrics();
  };
  const timer = setInterval(publish, options.intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    publish();
  };
}

function totals(metrics: IngestMetrics): Totals {
  return {
    framesIn: metrics.totalFramesIn(),
    recordsPut: metrics.recordsPut,
    bytesPut: metrics.bytesPut,
    framesShed: metrics.framesShed,
    reconnects: metrics.reconnects,
    transportSwitches: metrics.transportSwitches,
  };
}
