import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BatchFailure,
  type BatchSettings,
  type InvokeResult,
  processBatch,
  readBatchResponse,
  type StreamRecord,
} from '../../../local/lambda/deliver-batch.ts';

const NOW = 1_776_000_000_000;

function records(n: number, arrival = NOW): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    sequenceNumber: String(1000 + i),
    partitionKey: `k${i}`,
    data: new Uint8Array([i]),
    approximateArrivalTimestamp: arrival + i,
  }));
}

const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  bisectOnError: true,
  maxRetryAttempts: 3,
  maxRecordAgeMs: -1,
  ...over,
});

/** Runs a batch through a handler function and records everything the processor did. */
async function run(
  batch: StreamRecord[],
  s: BatchSettings,
  handler: (rs: readonly StreamRecord[]) => InvokeResult,
) {
  const calls: string[][] = [];
  const checkpoints: string[] = [];
  const failures: BatchFailure[] = [];
  const outcome = await processBatch(batch, s, {
    invoke: async (rs) => {
      calls.push(rs.map((r) => r.sequenceNumber));
      return handler(rs);
    },
    finished: (last) => {
      checkpoints.push(last.sequenceNumber);
    },
    failed: async (f) => {
      failures.push(f);
    },
    backoff: async () => {},
    now: () => NOW + 10,
  });
  return { outcome, calls, checkpoints, failures };
}

const poison =
  (bad: string) =>
  (rs: readonly StreamRecord[]): InvokeResult =>
    rs.some((r) => r.sequenceNumber === bad) ? { ok: false, kind: 'error', error: 'boom' } : { ok: true };

describe('processBatch', () => {
  it('invokes once and checkpoints the last record on success', async () => {
    const r = await run(records(4), settings(), () => ({ ok: true }));
    assert.deepEqual(r.calls, [['1000', '1001', '1002', '1003']]);
    assert.deepEqual(r.checkpoints, ['1003']);
    assert.equal(r.outcome.completed, true);
  });

  it('bisects down to the poison record, sends only it on, and keeps order', async () => {
    const r = await run(records(8), settings({ maxRetryAttempts: 2 }), poison('1005'));
    assert.deepEqual(
      r.failures.map((f) => f.records.map((x) => x.sequenceNumber)),
      [['1005']],
    );
    assert.equal(r.failures[0].condition, 'RetryAttemptsExhausted');
    assert.equal(r.failures[0].error, 'boom');
    // Every other record handled exactly once, in order, and the checkpoint only grows.
    const handled = r.calls.filter((c) => !c.includes('1005')).flat();
    assert.deepEqual(handled, ['1000', '1001', '1002', '1003', '1004', '1006', '1007']);
    assert.deepEqual(r.checkpoints, [...r.checkpoints].sort());
    assert.equal(r.checkpoints.at(-1), '1007');
    // The single poison record: 1 first try + 2 retries.
    assert.equal(r.calls.filter((c) => c.length === 1 && c[0] === '1005').length, 3);
  });

  it('without bisect retries the whole batch, then sends all of it on', async () => {
    const r = await run(records(4), settings({ bisectOnError: false, maxRetryAttempts: 1 }), poison('1002'));
    assert.equal(r.calls.length, 2);
    assert.deepEqual(
      r.failures[0].records.map((x) => x.sequenceNumber),
      ['1000', '1001', '1002', '1003'],
    );
    assert.deepEqual(r.checkpoints, ['1003']);
  });

  it('retries from the first failed item of a partial batch response', async () => {
    let first = true;
    const r = await run(records(5), settings(), () => {
      if (first) {
        first = false;
        return { ok: false, kind: 'partial', failedFrom: 2, error: 'throttled' };
      }
      return { ok: true };
    });
    assert.deepEqual(r.calls, [
      ['1000', '1001', '1002', '1003', '1004'],
      ['1002', '1003', '1004'],
    ]);
    assert.deepEqual(r.checkpoints, ['1001', '1004']);
    assert.equal(r.failures.length, 0);
  });

  it('retries forever with -1 until it succeeds', async () => {
    let left = 7;
    const r = await run(records(2), settings({ bisectOnError: false, maxRetryAttempts: -1 }), () =>
      left-- > 0 ? { ok: false, kind: 'error', error: 'down' } : { ok: true },
    );
    assert.equal(r.calls.length, 8);
    assert.equal(r.failures.length, 0);
    assert.deepEqual(r.checkpoints, ['1001']);
  });

  it('drops records older than the maximum age to the on-failure destination', async () => {
    const old = records(3, NOW - 120_000);
    const fresh = records(2, NOW).map((r, i) => ({ ...r, sequenceNumber: String(2000 + i) }));
    const r = await run([...old, ...fresh], settings({ maxRecordAgeMs: 60_000 }), () => ({ ok: true }));
    assert.equal(r.failures[0].condition, 'RecordAgeExceeded');
    assert.equal(r.failures[0].records.length, 3);
    assert.deepEqual(r.calls, [['2000', '2001']]);
    assert.deepEqual(r.checkpoints, ['1002', '2001']);
  });

  it('stops retrying when aborted and reports the batch unfinished', async () => {
    const outcome = await processBatch(records(2), settings({ bisectOnError: false, maxRetryAttempts: -1 }), {
      invoke: async () => ({ ok: false, kind: 'error', error: 'x' }),
      finished: () => assert.fail('nothing may be checkpointed'),
      failed: async () => assert.fail('nothing may be sent on'),
      aborted: () => true,
    });
    assert.equal(outcome.completed, false);
  });
});

describe('readBatchResponse', () => {
  const rs = records(3);
  it('treats no failures as success', () => {
    assert.deepEqual(readBatchResponse(undefined, rs, true), { ok: true });
    assert.deepEqual(readBatchResponse({ batchItemFailures: [] }, rs, true), { ok: true });
  });

  it('finds the first failed record whatever the order of the list', () => {
    const out = readBatchResponse(
      { batchItemFailures: [{ itemIdentifier: '1002' }, { itemIdentifier: '1001' }] },
      rs,
      true,
    );
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.kind === 'partial' && out.failedFrom, 1);
  });

  it('fails the whole batch on an identifier that is not in it', () => {
    const out = readBatchResponse({ batchItemFailures: [{ itemIdentifier: '' }] }, rs, true);
    assert.equal(!out.ok && out.kind, 'error');
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    assert.deepEqual(readBatchResponse({ batchItemFailures: [{ itemIdentifier: '1000' }] }, rs, false), {
      ok: true,
    });
  });
});
