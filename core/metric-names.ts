/**
 * The CloudWatch metrics the deployables emit and the dashboard and alarms of `infra/`
 * read. One place for the names, so a rename cannot silently empty a graph or an alarm.
 *
 * Contract (every emitter): namespace {@link METRIC_NAMESPACE}; exactly one dimension,
 * `service` = the emitter's {@link METRIC_SERVICES} value (Powertools `Metrics` adds it
 * from `serviceName`, so create it with `new Metrics({ namespace: METRIC_NAMESPACE,
 * serviceName: METRIC_SERVICES.ingest })` and add no other dimension to these metrics).
 * A metric emitted with extra dimensions is a different CloudWatch metric and would not
 * be seen by the alarms. Counts use unit `Count`, emitted once per flush (per batch or
 * per interval); CloudWatch sums them per period.
 *
 * @example
 * const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICES.transform });
 * metrics.addMetric(METRICS.rowsWritten, MetricUnit.Count, rows);
 */

/** CloudWatch namespace of every custom metric of the pipeline. */
export const METRIC_NAMESPACE = 'VnStockStream';

/** The one dimension every custom metric carries (Powertools' default `service`). */
export const METRIC_SERVICE_DIMENSION = 'service';

/** Values of the `service` dimension, one per deployable. */
export const METRIC_SERVICES = {
  ingest: 'ingest',
  transform: 'transform',
  sessionControl: 'session-control',
  reconcile: 'reconcile',
} as const;

export type MetricService = (typeof METRIC_SERVICES)[keyof typeof METRIC_SERVICES];

/** Metric names, with the deployable that emits each. */
export const METRICS = {
  /** ingest: websocket frames received (data and control), Count. */
  framesIn: 'FramesIn',
  /** ingest: Kinesis records acknowledged by PutRecords, Count. */
  recordsPut: 'RecordsPut',
  /** ingest: bytes of the records acknowledged, Bytes. */
  bytesPut: 'BytesPut',
  /** ingest: frames dropped because the bounded buffer was full, Count. */
  framesShed: 'FramesShed',
  /** ingest: websocket reconnects, Count. */
  reconnects: 'Reconnects',
  /** ingest: the source in use at each publication: 1 = V2 (or V1), 2 = MQTT, 3 = REST polling ({@link SOURCE_CODES}), None. */
  ingestSource: 'IngestSource',
  /** ingest: switches between V2 and MQTT (`IBOARD_PROTOCOL=auto`), Count. */
  transportSwitches: 'TransportSwitches',
  /** transform: rows written to the tables (all tables together), Count. */
  rowsWritten: 'RowsWritten',
  /** transform: poison records or frames written to the rejects table, Count. */
  rejects: 'Rejects',
  /** transform: frames in the batches (every kind, rejected ones included), Count: the reject rate's base. */
  framesTotal: 'FramesTotal',
  /** transform: shares in the trades rows of each kind (see `TRADE_KINDS`), Count. */
  volumeTrade: 'VolumeTrade',
  volumeOpening: 'VolumeOpening',
  volumePreExisting: 'VolumePreExisting',
  volumeGap: 'VolumeGap',
  volumeCorrection: 'VolumeCorrection',
  /** session-control: 1 while the calendar says a session is open, else 0 (every schedule tick). */
  sessionOpen: 'SessionOpen',
  /** session-control: 1 when the control item says `running`, else 0 (every schedule tick). */
  ingestDesired: 'IngestDesired',
  /** reconcile: symbols whose stored day total differs from the exchange's (once per trading day), Count. */
  reconcileMismatches: 'ReconcileMismatches',
} as const;

/** The values of {@link METRICS.ingestSource}: a graph of the source over the day. */
export const SOURCE_CODES = { v2: 1, v1: 1, mqtt: 2, rest: 3 } as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** Which deployable emits each metric (the dashboard builds its dimension from this). */
export const METRIC_EMITTER: Readonly<Record<MetricName, MetricService>> = {
  FramesIn: METRIC_SERVICES.ingest,
  RecordsPut: METRIC_SERVICES.ingest,
  BytesPut: METRIC_SERVICES.ingest,
  FramesShed: METRIC_SERVICES.ingest,
  Reconnects: METRIC_SERVICES.ingest,
  IngestSource: METRIC_SERVICES.ingest,
  TransportSwitches: METRIC_SERVICES.ingest,
  RowsWritten: METRIC_SERVICES.transform,
  Rejects: METRIC_SERVICES.transform,
  FramesTotal: METRIC_SERVICES.transform,
  VolumeTrade: METRIC_SERVICES.transform,
  VolumeOpening: METRIC_SERVICES.transform,
  VolumePreExisting: METRIC_SERVICES.transform,
  VolumeGap: METRIC_SERVICES.transform,
  VolumeCorrection: METRIC_SERVICES.transform,
  SessionOpen: METRIC_SERVICES.sessionControl,
  IngestDesired: METRIC_SERVICES.sessionControl,
  ReconcileMismatches: METRIC_SERVICES.reconcile,
};
