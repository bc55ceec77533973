/**
 * Server control frames: the plain-text `Subscribed <topic>` acknowledgement and JSON frames
 * (`{"type":"ack"}`, `{"result":"complete","type":"unsub",...}`, `{"error":"..."}`,
 * `{"systemStatusChangedV2":{"status":"REFRESH"}}`, `{"notifySessionByListV2":{...}}`).
 *
 * @example
 * parseJsonControl('{"error":"bad topic"}', raw); // { kind: 'control', control: 'error', message: 'bad topic', body: {...} }
 */
import type { ControlFrame, RejectedFrame } from './types.ts';

const SUBSCRIBED = 'Subscribed ';
const UNSUBSCRIBED = 'Unsubscribed ';

/** `Subscribed <topic>` / `Unsubscribed <topic>`, or undefined when the text is neither. */
export function parseTextControl(text: string): ControlFrame | undefined {
  if (text.startsWith(SUBSCRIBED)) {
    return { kind: 'control', control: 'subscribed', topic: text.slice(SUBSCRIBED.length).trim() };
  }
  if (text.startsWith(UNSUBSCRIBED)) {
    return { kind: 'control', control: 'unsub', topic: text.slice(UNSUBSCRIBED.length).trim() };
  }
  return undefined;
}

/** A JSON control frame; invalid JSON is a rejection. */
export function parseJsonControl(text: string): ControlFrame | RejectedFrame {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { kind: 'rejected', reason: `invalid JSON: ${(error as Error).message}`, raw: text };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'control', control: 'other', body };
  }
  const obj = body as Record<string, unknown>;
  const topic = typeof obj.topic === 'string' ? obj.topic : undefined;
  const frame: ControlFrame = { kind: 'control', control: classify(obj), body };
  if (topic !== undefined) frame.topic = topic;
  const message = messageOf(frame.control, obj);
  if (message !== undefined) frame.message = message;
  return frame;
}

function classify(obj: Record<string, unknown>): ControlFrame['control'] {
  if ('error' in obj) return 'error';
  if (obj.type === 'ack') return 'ack';
  if (obj.type === 'unsub') return 'unsub';
  for (const key of Object.keys(obj)) {
    if (key.startsWith('systemStatusChanged')) return 'status';
    if (key.startsWith('notifySession')) return 'session';
  }
  return 'other';
}

function messageOf(control: ControlFrame['control'], obj: Record<string, unknown>): string | undefined {
  if (control === 'error') return textOf(obj.error);
  if (control === 'status' || control === 'session') {
    const key = Object.keys(obj).find(
      (k) => k.startsWith('systemStatusChanged') || k.startsWith('notifySession'),
    );
    const inner = key === undefined ? undefined : obj[key];
    if (typeof inner === 'object' && inner !== null) {
      const fields = inner as Record<string, unknown>;
      return textOf(fields.status ?? fields.session);
    }
    return textOf(inner);
  }
  return undefined;
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
