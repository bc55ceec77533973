/**
 * The instruments (stock symbols, index ids) named by a day's archived frames: what
 * `rederive --replace` deletes the rows of when no symbols are given.
 *
 * @example
 * await instrumentsOfDay(store, '2026-04-14'); // Set { 'FPT', 'VCB', 'VNINDEX', ... }
 */
import { decodeRecord, RecordDecodeError } from '../records/codec.ts';
import { instrumentOf } from '../records/partition-key.ts';
import { readArchivedDay } from './read-archive.ts';
import type { ArchiveStore } from './store.ts';

export async function instrumentsOfDay(store: ArchiveStore, date: string): Promise<Set<string>> {
  const instruments = new Set<string>();
  for await (const { record } of readArchivedDay(store, date)) {
    try {
      for (const envelope of decodeRecord(record.data)) {
        const id = instrumentOf(envelope.raw);
        if (id !== undefined) instruments.add(id);
      }
    } catch (error) {
      // An undecodable record names nothing (the re-derivation writes its reject row again).
      if (!(error instanceof RecordDecodeError)) throw error;
    }
  }
  return instruments;
}
