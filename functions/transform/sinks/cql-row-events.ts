/**
 * Rows the CQL sink has written, published on a `node:diagnostics_channel` channel so a
 * host process can count them without the sink knowing who listens (the embedded
 * runtime's status line, the benchmark). Publishing costs nothing when nobody subscribes.
 *
 * @example
 * diagnostics_channel.subscribe(CQL_ROWS_CHANNEL, (message) => count((message as CqlRowsMessage).rows));
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { CqlTableName } from '../../../core/cql/schema.ts';

export const CQL_ROWS_CHANNEL = 'vn-stock-stream:cql-rows';

/** `rows` statements of `table` acknowledged by Cassandra / Keyspaces (in batches or alone). */
export type CqlRowsMessage = { readonly table: CqlTableName; readonly rows: number };

const channel = diagnostics_channel.channel(CQL_ROWS_CHANNEL);

export function publishCqlRows(table: CqlTableName, rows: number): void {
  if (rows > 0 && channel.hasSubscribers) channel.publish({ table, rows } satisfies CqlRowsMessage);
}
