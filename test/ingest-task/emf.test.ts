import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRIC_NAMESPACE, METRICS } from '../../core/metric-names.ts';
import { startEmfPublisher } from '../../ingest-task/emf.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';

/** Runs `work` and returns the JSON lines it wrote to stdout. */
function captureStdout(work: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    work();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

describe('startEmfPublisher', () => {
  it('writes the growth of the counters as CloudWatch EMF, in the shared namespace', () => {
    const metrics = new IngestMetrics();
    const out = captureStdout(() => {
      const stop = startEmfPublisher({ metrics, intervalMs: 60_000 });
      metrics.framesIn.stock += 90;
      metrics.framesIn.control += 10;
      metrics.recordsPut += 3;
      metrics.bytesPut += 4096;
      metrics.framesShed += 2;
      metrics.reconnects += 1;
      stop();
    });
    assert.equal(out.length, 1);
    const [emf] = out;
    const meta = (emf._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> })
      .CloudWatchMetrics[0];
    assert.equal(meta.Namespace, METRIC_NAMESPACE);
    assert.deepEqual(meta.Dimensions, [['service']]);
    assert.equal(emf.service, 'ingest');
    assert.equal(emf[METRICS.framesIn], 100);
    assert.equal(emf[METRICS.recordsPut], 3);
    assert.equal(emf[METRICS.bytesPut], 4096);
    assert.equal(emf[METRICS.framesShed], 2);
    assert.equal(emf[METRICS.reconnects], 1);
    assert.equal(emf[METRICS.ingestSource], 1, 'V2');
    assert.equal(emf[METRICS.transportSwitches], 0);
  });

  it('writes the source in use when it changes, with the transport switches', () => {
    const metrics = new IngestMetrics();
    const out = captureStdout(() => {
      const stop = startEmfPublisher({ metrics, intervalMs: 60_000 });
      metrics.transport = 'mqtt';
      metrics.transportSwitches += 1;
      stop();
    });
    assert.equal(out.length, 1);
    assert.equal(out[0][METRICS.ingestSource], 2, 'MQTT');
    assert.equal(out[0][METRICS.transportSwitches], 1);
    const polling = new IngestMetrics();
    const rest = captureStdout(() => {
      const stop = startEmfPublisher({ metrics: polling, intervalMs: 60_000 });
      polling.source = 'rest';
      stop();
    });
    assert.equal(rest[0][METRICS.ingestSource], 3, 'REST polling');
  });

  it('writes nothing while the counters do not move', () => {
    const out = captureStdout(() =>
      startEmfPublisher({ metrics: new IngestMetrics(), intervalMs: 60_000 })(),
    );
    assert.equal(out.length, 0);
  });
});
