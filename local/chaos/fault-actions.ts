/**
 * The fault actions of the chaos run, each against a live component and each leaving a
 * {@link FaultEvent} (when it started, when the fault itself ended) that the checks
 * measure recovery from. `session.ts` calls them in the order of the plan.
 */

import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { ChaosError } from '../../core/errors.ts';
import { encodeRecord } from '../../core/records/index.ts';
import { kinesisClient } from '../emulators/clients.ts';
import type { Simulator } from '../simulator/simulator.ts';
import { childPids, waitForExit } from './processes.ts';

/** A source connection as the simulator names it: a websocket client id, or an MQTT clientId. */
export type ClientRef = number | string;

export type FaultTrack = 'source' | 'kinesis' | 'dynamodb' | 'poison' | 'process' | 'market';

export type FaultEvent = {
  readonly name: string;
  readonly track: FaultTrack;
  /** Epoch ms (real time) the fault began. */
  readonly startedAt: number;
  /** Epoch ms the fault itself ended (the source answers again, the endpoint is back...). */
  endedAt: number;
  /** Whether the ingest task had to open a new websocket connection afterwards. */
  readonly reconnects: boolean;
  /**
   * Whether frames sent on the connections it ended may be missing: only when the
   * source itself cut the TCP connection (what it had not yet written out is gone, as
   * on the real feed). When the ingest side ends a connection (SIGTERM, a stop), frames
   * the source had already sent must still arrive: a closing handshake delivers them.
   */
  readonly lossAllowed: boolean;
  /**
   * The source connections open when the fault began: the ones it ended. The simulator's
   * websocket client ids (V2), or its MQTT broker's client ids (the ingest task's
   * connection ids).
   */
  clients: readonly ClientRef[];
  readonly detail?: string;
};

/** A corrupt record put straight into the stream: where it landed. */
export type CorruptRecord = {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly kind: string;
};

export class ChaosStepError extends ChaosError {
  readonly code = 'CHAOS_STEP_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChaosStepError';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until some open client of the simulator has been sent `frames` more data frames
 * than when called: the ingest task is connected, subscribed and reading.
 */
export async function waitForFlow(
  sim: Simulator,
  frames: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const baseline = new Map(sim.ledger.clientIds().map((id) => [id, sim.ledger.client(id).framesSent]));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const client of sim.clients()) {
      if (sim.ledger.client(client.id).framesSent - (baseline.get(client.id) ?? 0) >= frames) return;
    }
    await sleep(50);
  }
  throw new ChaosStepError(`no data flowing to the ingest task within ${timeoutMs / 1000} s ${what}`);
}

/**
 * `waitForFlow` for the MQTT transport: the simulator's broker has handed `frames` more
 * messages to its clients than when called (the ledger counts websocket connections only).
 */
export async function waitForMqttFlow(
  sim: Simulator,
  frames: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const baseline = sim.mqtt.delivered;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (sim.mqtt.delivered - baseline >= frames) return;
    await sleep(50);
  }
  throw new ChaosStepError(`no MQTT data flowing to the ingest task within ${timeoutMs / 1000} s ${what}`);
}

/**
 * The MQTT counterpart of the poison frames: payloads that are not StockData, published on
 * a subscribed symbol's topic. The ingest task counts them (`undecodable`) and never
 * forwards them, so, unlike V2's malformed text frames, they never reach the rejects table.
 */
export function publishUndecodable(sim: Simulator, symbol: string, count: number): FaultEvent {
  const startedAt = Date.now();
  for (let i = 0; i < count; i++)
    sim.mqtt.publishRaw(symbol, new Uint8Array([0xff, 0xff, 0xff, 0xff, i & 0xff]));
  return poisonEvent(
    `source: ${count} undecodable MQTT payloads on s/${symbol}/MAIN (counted by the task, not forwarded)`,
    startedAt,
  );
}

/**
 * Cuts every open connection now: with a close frame of `code`, or a TCP cut when null.
 * Over MQTT (`mqtt`) there is no close code nor closing handshake: the broker drops the
 * connection, so every close is a cut (what it had not written out is gone).
 */
export function closeConnections(
  sim: Simulator,
  code: number | null,
  now: () => number,
  mqtt = false,
): FaultEvent {
  const startedAt = Date.now();
  sim.faults.set({ closeCode: code ?? undefined, closeAt: now() });
  sim.faults.set({ closeCode: undefined });
  const name = code === null ? 'source: TCP cut' : `source: close ${code}`;
  return {
    name: mqtt && code !== null ? `${name} (MQTT: the broker drops the connection)` : name,
    track: 'source',
    startedAt,
    endedAt: startedAt,
    reconnects: true,
    lossAllowed: code === null || mqtt,
    clients: [],
  };
}

/**
 * Sends exactly as many malformed frames as asked, or a few more: the knob draws per
 * frame, so the rate is lowered as the count nears the target and switched off on it.
 * Only text kinds: binary and oversized frames are refused by the ingest task itself
 * (counted in its metrics, never forwarded), so they cannot reach the rejects table.
 */
export async function sendPoison(sim: Simulator, count: number, timeoutMs: number): Promise<FaultEvent> {
  const startedAt = Date.now();
  const sent = () =>
    sim.ledger.clientIds().reduce((n, id) => {
      const m = sim.ledger.client(id).malformed;
      return n + m['field-count'] + m.garbage + m.binary + m.oversized;
    }, 0);
  const before = sent();
  const deadline = startedAt + timeoutMs;
  try {
    for (let done = 0; done < count; done = sent() - before) {
      if (Date.now() > deadline)
        throw new ChaosStepError(`only ${done} of ${count} malformed frames sent in ${timeoutMs / 1000} s`);
      // At most 20% of frames; near the target the rate falls with what is missing, so a
      // 5 ms tick of the feed (a few frames) rarely overshoots it.
      sim.faults.set({
        malformedRate: Math.min(0.2, (count - done) / 100),
        malformedKinds: ['field-count', 'garbage'],
      });
      await sleep(5);
    }
  } finally {
    sim.faults.set({ malformedRate: 0 });
  }
  return poisonEvent(`source: ${sent() - before} malformed frames`, startedAt);
}

/**
 * Puts records that no ingest task could have written: random bytes, a valid record cut
 * short, a valid record with bytes flipped, JSON text, a single byte.
 */
export async function putCorruptRecords(
  endpoint: string,
  streamName: string,
  count: number,
): Promise<{ event: FaultEvent; records: CorruptRecord[] }> {
  const startedAt = Date.now();
  const client = kinesisClient({ endpoint });
  const valid = encodeRecord(
    Array.from({ length: 20 }, (_, seq) => ({
      raw: `MAIN|S#CHAOS|${seq}`,
      receivedAt: startedAt,
      connectionId: 'chaos',
      seq,
    })),
  );
  const variants: [string, Uint8Array][] = [
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256)],
    ['truncated record', valid.subarray(0, Math.floor(valid.length / 2))],
    ['flipped bytes', Uint8Array.from(valid, (b, i) => (i > 8 && i % 5 === 0 ? b ^ 0xff : b))],
    ['json text', new TextEncoder().encode('{"not":"a record"}')],
    ['one byte', Uint8Array.of(0)],
  ];
  const records: CorruptRecord[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const [kind, data] = variants[i % variants.length];
      const put = await client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: `chaos-${i}`, Data: data }),
      );
      records.push({ shardId: put.ShardId ?? '', sequenceNumber: put.SequenceNumber ?? '', kind });
    }
  } finally {
    client.destroy();
  }
  const event = poisonEvent(`stream: ${count} corrupt records`, startedAt);
  return { event, records };
}

/** SIGTERM to the ingest task this process's runtime spawned; resolves once it exited. */
export async function terminateIngest(timeoutMs: number): Promise<FaultEvent> {
  const pids = childPids(process.pid, 'ingest-task/main.ts');
  if (pids.length !== 1) throw new ChaosStepError(`expected one ingest task process, found ${pids.length}`);
  const startedAt = Date.now();
  process.kill(pids[0], 'SIGTERM');
  if (!(await waitForExit(pids[0], timeoutMs))) {
    throw new ChaosStepError(
      `the ingest task (pid ${pids[0]}) did not exit within ${timeoutMs / 1000} s of SIGTERM`,
    );
  }
  return {
    name: 'ingest task: SIGTERM, restarted by the runtime',
    track: 'process',
    startedAt,
    endedAt: Date.now(),
    reconnects: true,
    lossAllowed: false,
    clients: [],
    detail: `pid ${pids[0]}`,
  };
}

/** A poison fault (bad input sent once): it ends now, needs no reconnect and allows no loss. */
function poisonEvent(name: string, startedAt: number): FaultEvent {
  return {
    name,
    track: 'poison',
    startedAt,
    endedAt: Date.now(),
    reconnects: false,
    lossAllowed: false,
    clients: [],
  };
}

/** A fault that is on for `seconds`: `on()` now, `off()` when the time is up. */
export function timedFault(
  name: string,
  track: FaultTrack,
  seconds: number,
  on: () => void,
  off: () => void,
  ends: { reconnects?: boolean; lossAllowed?: boolean } = {},
): { event: FaultEvent; done: Promise<void> } {
  const event: FaultEvent = {
    name,
    track,
    startedAt: Date.now(),
    endedAt: Number.NaN,
    reconnects: ends.reconnects ?? false,
    lossAllowed: ends.lossAllowed ?? false,
    clients: [],
  };
  on();
  const done = sleep(seconds * 1000).then(() => {
    off();
    event.endedAt = Date.now();
  });
  return { event, done };
}
