/**
 * Counts the DynamoDB rows written per table, as acknowledged by the emulator, by
 * watching the write requests that pass through the router: PutItem, UpdateItem,
 * DeleteItem (1 each when answered 200) and BatchWriteItem (its requests minus the
 * UnprocessedItems of the answer). dynalite keeps no ItemCount and a Scan per status
 * line would cost more than the writes themselves, so this is the cheap way to show
 * "rows written" for whatever writes them (the transform, the session-control function).
 */
import type { Observer } from './router.ts';

const PREFIX = 'DynamoDB_20120810.';
const SINGLE = ['PutItem', 'UpdateItem', 'DeleteItem'] as const;

export class WriteCounter implements Observer {
  readonly targets: ReadonlySet<string> = new Set(
    [...SINGLE, 'BatchWriteItem'].map((op) => `${PREFIX}${op}`),
  );
  /** Row writes per table name. */
  readonly rows = new Map<string, number>();
  /** Writes the emulator refused (conditional check failed, validation...), per table. */
  readonly refused = new Map<string, number>();

  exchange(target: string, request: Buffer, status: number, response: Buffer): void {
    const operation = target.slice(PREFIX.length);
    const body = JSON.parse(request.toString('utf8')) as {
      TableName?: string;
      RequestItems?: Record<string, unknown[]>;
    };
    if (operation !== 'BatchWriteItem') {
      if (body.TableName) add(status === 200 ? this.rows : this.refused, body.TableName, 1);
      return;
    }
    if (status !== 200) {
      for (const [table, items] of Object.entries(body.RequestItems ?? {}))
        add(this.refused, table, items.length);
      return;
    }
    const unprocessed =
      (JSON.parse(response.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> })
        .UnprocessedItems ?? {};
    for (const [table, items] of Object.entries(body.RequestItems ?? {})) {
      add(this.rows, table, items.length - (unprocessed[table]?.length ?? 0));
    }
  }

  total(table: string): number {
    return this.rows.get(table) ?? 0;
  }
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
