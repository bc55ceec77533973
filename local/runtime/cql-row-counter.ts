/**
 * Counts the rows the CQL sink writes in this process (the transform runs in-process),
 * per table, from the sink's `diagnostics_channel` messages: the CQL half of the status
 * line's row counts (`write-counter.ts` counts DynamoDB's at the router).
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { CQL_ROWS_CHANNEL, type CqlRowsMessage } from '../../functions/transform/sinks/cql-row-events.ts';

export class CqlRowCounter {
  readonly rows: Record<string, number> = { trades: 0, quotes: 0, bars: 0, indices: 0 };
  private readonly onMessage = (message: unknown) => {
    const { table, rows } = message as CqlRowsMessage;
    this.rows[table] = (this.rows[table] ?? 0) + rows;
  };

  constructor() {
    diagnostics_channel.subscribe(CQL_ROWS_CHANNEL, this.onMessage);
  }

  stop(): void {
    diagnostics_channel.unsubscribe(CQL_ROWS_CHANNEL, this.onMessage);
  }
}
