/**
 * Lambda's invocation payload limit, as its Kinesis event source mapping applies it: a
 * batch holds at most the batch size in records and at most 6 MB of event, whichever
 * comes first, so a backlog of large records is read in smaller batches instead of
 * failing the invocation. A record's share is its entry in the event: the metadata
 * (ARNs, ids, times) plus its data in base64, 4/3 of its bytes.
 *
 * @example
 * const batch = new PayloadBatch(2000, LAMBDA_PAYLOAD_LIMIT_BYTES, (r) => eventRecordBytes(r, source));
 * const left = batch.take(records); // the records that did not fit open the next batch
 */
import type { StreamRecord } from './deliver-batch.ts';
import { type EventSourceIdentity, kinesisEvent } from './invocation.ts';

/** Lambda's synchronous invocation payload quota: 6 MB (6 MiB, 6,291,456 bytes). */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** `{"Records":[]}`: the event around the records. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ Records: [] }));

/** Bytes a record adds to the invocation event (its JSON entry and the comma before it). */
export function eventRecordBytes(record: StreamRecord, source: EventSourceIdentity): number {
  const empty = kinesisEvent([{ ...record, data: new Uint8Array() }], source).Records[0];
  // base64 needs no JSON escaping: its length adds as is.
  return Buffer.byteLength(JSON.stringify(empty)) + 4 * Math.ceil(record.data.length / 3) + 1;
}

/** One batch being filled: records in order until the count or the payload limit. */
export class PayloadBatch {
  readonly records: StreamRecord[] = [];
  /** The event's size with the records taken so far (each record counts a comma; the first has none). */
  bytes = EVENT_ENVELOPE_BYTES - 1;
  /** No more records fit (count or size). */
  full = false;

  constructor(
    private readonly maxRecords: number,
    private readonly limitBytes = LAMBDA_PAYLOAD_LIMIT_BYTES,
    private readonly sizeOf: (record: StreamRecord) => number,
  ) {}

  /** Takes records in order while they fit; returns the rest. A single record always fits an empty batch. */
  take(records: readonly StreamRecord[]): StreamRecord[] {
    let i = 0;
    for (; i < records.length && !this.full; i++) {
      const size = this.sizeOf(records[i]);
      if (this.records.length > 0 && this.bytes + size > this.limitBytes) {
        this.full = true;
        break;
      }
      this.records.push(records[i]);
      this.bytes += size;
      if (this.records.length >= this.maxRecords) this.full = true;
    }
    if (i < records.length) this.full = true;
    return records.slice(i);
  }
}
