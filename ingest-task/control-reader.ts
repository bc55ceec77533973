/**
 * Reads the ingest control item (`core/control.ts`) from the control table.
 *
 * @example
 * const read = controlReader({ client: new DynamoDBClient({}), tableName: 'control' });
 * const state = await read(); // { desired: 'running', ... } or undefined
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type ControlState, controlKey, fromControlItem } from '../core/control.ts';

export type ControlReaderOptions = { readonly client: DynamoDBClient; readonly tableName: string };

export function controlReader(options: ControlReaderOptions): () => Promise<ControlState | undefined> {
  return async () => {
    const output = await options.client.send(
      new GetItemCommand({ TableName: options.tableName, Key: controlKey(), ConsistentRead: true }),
    );
    return fromControlItem(output.Item);
  };
}
