/**
 * What the checks need from the simulator's ledger, taken once the source has stopped:
 * per connection, what was sent; per symbol, the last frame sent (to any connection: two
 * may overlap); what was generated but never sent; the exchange
 * corrections made.
 */
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { decodeStockData, encodeStockData } from '../../core/iboard/stock-data.ts';
import type { AlteredKind, Ledger, LedgerCorrection, MalformedKind } from '../simulator/ledger.ts';
import type { MqttBroker } from '../simulator/mqtt-broker.ts';

export type ClientSummary = {
  readonly id: number;
  /** Data frames sent (stock, index), malformed ones not included. */
  readonly framesSent: number;
  readonly malformed: Readonly<Record<MalformedKind, number>>;
  /** Data frames sent altered (an extra field, junk in an unused field): counted in `framesSent`. */
  readonly altered: Readonly<Record<AlteredKind, number>>;
  /** How far ahead field 101 ran on this connection (another server's clock). */
  readonly serverTimeSkewMs: number;
  readonly droppedSilence: number;
  readonly droppedBackpressure: number;
};

export type LedgerSummary = {
  readonly clients: readonly ClientSummary[];
  /** Synthetic frames generated while no client was connected: never sent. */
  readonly framesWithoutClients: number;
  readonly framesGenerated: number;
  readonly upgradesRejected: Readonly<Record<string, number>>;
  /** Symbol → raw text of the last stock frame sent. */
  readonly lastFrames: ReadonlyMap<string, string>;
  /** Symbol → cumulative volume after the market's last trade. */
  readonly finalVolumes: ReadonlyMap<string, number>;
  /**
   * Raw text of each client's last frame per symbol → the client: frames are unique (a
   * server time and a state), so finding one in the stream names the connection it came by.
   */
  readonly clientOfRaw: ReadonlyMap<string, number>;
  /** Exchange corrections the market made (the totals above include them). */
  readonly corrections: readonly LedgerCorrection[];
  /** Over MQTT: what the simulator's broker handed each client connection. */
  readonly mqtt?: MqttSummary;
};

/** One MQTT client connection of the broker: its id is the ingest task's connection id (the MQTT clientId). */
export type MqttConnectionSummary = {
  readonly id: string;
  /** StockData messages handed to it, per symbol (altered ones included). */
  readonly stock: ReadonlyMap<string, number>;
  /** Their sum: what the ingest task must put in the stream for this connection. */
  readonly frames: number;
  /** Payloads that are not StockData: the task counts them and forwards none (not in `frames`). */
  readonly undecodable: number;
  readonly altered: Readonly<Record<AlteredKind, number>>;
  /** How far ahead this connection's receiving task's clock ran (the overlapping task), else 0. */
  readonly clockSkewMs: number;
};

export type MqttSummary = {
  readonly connections: readonly MqttConnectionSummary[];
  /** Frame text of each altered message → its kind (see the broker's `alteredTexts`). */
  readonly alteredTexts: ReadonlyMap<string, AlteredKind>;
  /** Publications withheld by silences (never sent). */
  readonly droppedSilence: number;
};

export function summariseLedger(ledger: Ledger): LedgerSummary {
  const ids = [...ledger.clientIds()].sort((a, b) => a - b);
  const clientOfRaw = new Map<string, number>();
  for (const id of ids) for (const raw of ledger.lastFrames(id).values()) clientOfRaw.set(raw, id);
  const finalVolumes = new Map(ledger.tradedSymbols().map((s) => [s, ledger.totals(s).volume]));
  return {
    clients: ids.map((id) => ({ id, ...ledger.client(id) })),
    framesWithoutClients: ledger.framesWithoutClients,
    framesGenerated: ledger.framesGenerated,
    upgradesRejected: { ...ledger.upgradesRejected },
    lastFrames: new Map(ledger.lastStockFrames()),
    finalVolumes,
    clientOfRaw,
    corrections: [...ledger.corrections],
  };
}

/** Total frames sent that the ingest task forwards: data frames plus the text kinds of malformed frames. */
export function textFramesSent(client: ClientSummary): number {
  return client.framesSent + client.malformed['field-count'] + client.malformed.garbage;
}

/**
 * Over MQTT: the summary with, per symbol, the last frame the broker published, as the
 * ingest task turns it into text (StockData encoded, decoded, formatted as a V2 frame), so
 * the checks can find it in the stream, and what the broker handed each client connection
 * (`mqtt`). The ledger's clients are websocket connections only (`clientOfRaw` empty): the
 * MQTT connections are named by their clientId, the ingest task's connection id.
 * `clockSkews`: connection id → how far ahead its task's clock ran.
 */
export function overMqtt(
  summary: LedgerSummary,
  broker: Pick<MqttBroker, 'lastPublished' | 'clientIds' | 'received' | 'alteredTexts' | 'droppedSilence'>,
  symbols: readonly string[],
  clockSkews: ReadonlyMap<string, number> = new Map(),
): LedgerSummary {
  const lastFrames = new Map<string, string>();
  for (const symbol of symbols) {
    const frame = broker.lastPublished(symbol);
    if (!frame) continue;
    const decoded = decodeStockData(symbol, encodeStockData(frame));
    if (decoded.ok) lastFrames.set(symbol, formatStockFrame(decoded.frame));
  }
  const connections: MqttConnectionSummary[] = [];
  for (const id of broker.clientIds()) {
    const received = broker.received(id);
    if (!received) continue;
    connections.push({
      id,
      stock: new Map(received.stock),
      frames: [...received.stock.values()].reduce((n, v) => n + v, 0),
      undecodable: received.undecodable,
      altered: { ...received.altered },
      clockSkewMs: clockSkews.get(id) ?? 0,
    });
  }
  return {
    ...summary,
    lastFrames,
    clientOfRaw: new Map(),
    mqtt: {
      connections,
      alteredTexts: new Map(broker.alteredTexts),
      droppedSilence: broker.droppedSilence,
    },
  };
}
