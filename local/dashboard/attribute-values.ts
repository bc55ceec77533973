/**
 * DynamoDB attribute maps to plain values (the part of `@aws-sdk/util-dynamodb` the
 * dashboard needs; that package is not installed and 30 lines do not justify it).
 * Numbers become JS numbers: prices, volumes and VND values stay below 2^53.
 *
 * @example
 * unmarshallItem({ pk: { S: 'FPT' }, lastPrice: { N: '76400' } }); // { pk: 'FPT', lastPrice: 76400 }
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type PlainItem = Record<string, unknown>;

export function unmarshallItem(item: Record<string, AttributeValue>): PlainItem {
  const out: PlainItem = {};
  for (const [name, value] of Object.entries(item)) out[name] = unmarshallValue(value);
  return out;
}

export function unmarshallValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return value.BS;
  return undefined;
}
