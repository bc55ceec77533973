/**
 * One websocket frame as received, stamped before anything else touches it.
 *
 * @example
 * const envelope: Envelope = { raw: 'MAIN|S#FPT|...', receivedAt: Date.now(), connectionId: 'c1', seq: 42 };
 */
export type Envelope = {
  /** The frame's text exactly as the server sent it. */
  readonly raw: string;
  /** Receive time, epoch milliseconds, taken on the ingest host. */
  readonly receivedAt: number;
  /** Identifies one websocket connection (a new id after every reconnect). */
  readonly connectionId: string;
  /** Per-connection sequence number, from 0, in receive order. */
  readonly seq: number;
};
