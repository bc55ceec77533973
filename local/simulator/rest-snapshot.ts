/**
 * The simulator's stand-in for iboard's REST snapshot host: `GET /stock/exchange/<hose|hnx|upcom>`
 * answers `{"code":"SUCCESS","data":[...]}` with every instrument of that exchange in SSI's
 * field names (`ssiQuoteOf`, the mapping the client reads back), from the synthetic market's
 * current state, so its `nmTotalTradedQty` is the ledger's cumulative volume.
 *
 * Test knobs: `failNext(n, status)` answers the next n requests with that status;
 * `override(symbol, fields)` changes a symbol's answer (e.g. a total the exchange
 * disagrees on); `requests` counts requests and keeps the last one's headers.
 *
 * @example
 * sim.rest.failNext(2, 503); // the client's retries get through on the third attempt
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SNAPSHOT_EXCHANGES, type SnapshotExchange } from '../../core/iboard/snapshot.ts';
import { ssiQuoteOf } from '../../core/iboard/ssi-quote.ts';
import type { SyntheticMarket } from './synthetic-market.ts';

const PATH = /^\/stock\/exchange\/([a-z]+)$/;

export class RestSnapshot {
  /** Requests answered (any status). */
  requests = 0;
  lastHeaders: IncomingHttpHeaders | undefined;
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  private readonly overrides = new Map<string, Record<string, string | number | null>>();

  constructor(private readonly market: SyntheticMarket | undefined) {}

  /** Answers the next `count` requests with `status` (a 5xx is retried by clients, a 403 is not). */
  failNext(count: number, status = 503): void {
    this.failures = { count, status };
  }

  /** Replaces fields of one symbol's answer from now on (`null` removes nothing, it sends null). */
  override(symbol: string, fields: Record<string, string | number | null>): void {
    this.overrides.set(symbol, { ...this.overrides.get(symbol), ...fields });
  }

  /** True when the request was for this host's path (answered), false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const match = PATH.exec(path);
    if (!match) return false;
    this.requests++;
    this.lastHeaders = req.headers;
    if (this.failures.count > 0) {
      this.failures.count--;
      send(res, this.failures.status, { code: 'ERROR', message: 'injected failure' });
      return true;
    }
    const exchange = match[1] as SnapshotExchange;
    if (req.method !== 'GET') send(res, 405, { code: 'ERROR', message: 'GET only' });
    else if (!SNAPSHOT_EXCHANGES.includes(exchange))
      send(res, 404, { code: 'ERROR', message: 'no such exchange' });
    else if (!this.market) send(res, 503, { code: 'ERROR', message: 'no synthetic market (replaying)' });
    else send(res, 200, { code: 'SUCCESS', data: this.rows(this.market, exchange) });
    return true;
  }

  private rows(market: SyntheticMarket, exchange: SnapshotExchange): Record<string, unknown>[] {
    return market.snapshot(exchange).map(({ frame, date }) => ({
      ...ssiQuoteOf(frame, date || undefined),
      ...this.overrides.get(frame.symbol),
    }));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
