/**
 * Server push for the page: Server-Sent Events on `GET /api/stream?symbol=FPT`.
 *
 * One poll loop serves every client: every `pollMs` it reads, for each symbol someone
 * watches (once per symbol, however many clients watch it), the quote, the newest bars
 * and trades, and for everyone the newest row of each index; it diffs against what it
 * last pushed and sends only what changed. The overview (a cached scan) is refreshed
 * every `overviewEveryMs`, the status every tick. No client, no polling.
 *
 * Events (`event:` name, `data:` JSON): `hello` on connect; `quote` {symbol, quote};
 * `bars` {symbol, date, bars[]} (the minutes that changed); `trades` {symbol, date,
 * trades[]} (new ones, newest first); `index` {id, name, latest}; `overview`; `status`.
 * The page re-fetches the whole state over the REST API on every (re)connect, so an
 * event missed while disconnected is never needed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ictDate } from '../../core/market/ict-time.ts';
import type { DashboardApi } from './api.ts';
import { DashboardRequestError } from './errors.ts';
import { type Bar, type IndexValue, toBar, toTrade } from './rows.ts';
import { computeStatus } from './status.ts';

export type StreamOptions = {
  /** @default 500 */
  readonly pollMs?: number;
  /** @default 3000 */
  readonly overviewEveryMs?: number;
  /** Comment line sent to idle connections so proxies keep them. @default 15000 */
  readonly heartbeatMs?: number;
  /** Reconnect delay the browser is told to use. @default 1500 */
  readonly retryMs?: number;
};

type Client = { readonly res: ServerResponse; readonly symbol: string };

/** What was last pushed for one watched symbol. */
type Watch = {
  date?: string;
  quote?: string;
  bars: Map<string, string>;
  lastTrade?: string;
};

export class StreamHub {
  readonly #api: DashboardApi;
  readonly #pollMs: number;
  readonly #overviewEveryMs: number;
  readonly #retryMs: number;
  readonly #clients = new Set<Client>();
  readonly #watches = new Map<string, Watch>();
  /** Last pushed `index` event data per index id, JSON. */
  readonly #indices = new Map<string, string>();
  #overview?: string;
  /** Last pushed `status` event data, JSON. */
  #statusJson?: string;
  #overviewAt = 0;
  #status?: string;
  #lastUpdate: number | null = null;
  #dataDate?: string;
  #timer?: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;
  #ticking = false;
  #closed = false;
  /** Completed poll rounds (tests wait on it). */
  ticks = 0;

  constructor(api: DashboardApi, options: StreamOptions = {}) {
    this.#api = api;
    this.#pollMs = options.pollMs ?? 500;
    this.#overviewEveryMs = options.overviewEveryMs ?? 3_000;
    this.#retryMs = options.retryMs ?? 1_500;
    this.#heartbeat = setInterval(() => this.#broadcastRaw(': ping\n\n'), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Symbols polled now (one poll each, whatever the number of clients). */
  watchedSymbols(): string[] {
    return [...this.#watches.keys()];
  }

  /** Takes over a request as an event stream for `symbol` (already checked). */
  add(req: IncomingMessage, res: ServerResponse, symbol: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.#retryMs}\n`);
    const client: Client = { res, symbol };
    this.#clients.add(client);
    const watch = this.#watches.get(symbol) ?? { bars: new Map() };
    this.#watches.set(symbol, watch);
    send(res, 'hello', { symbol, pollMs: this.#pollMs, serverTime: Date.now() });
    this.#sendKnown(res, symbol, watch);
    req.on('close', () => this.#remove(client));
    this.#schedule(0);
  }

  /**
   * What was last pushed, to a client that joins a watch already polled: it may have
   * joined in the middle of a round whose changes went out before it was listening.
   */
  #sendKnown(res: ServerResponse, symbol: string, watch: Watch): void {
    if (watch.quote) sendRaw(res, 'quote', `{"symbol":${JSON.stringify(symbol)},"quote":${watch.quote}}`);
    if (watch.bars.size > 0) {
      const bars = [...watch.bars.values()].join(',');
      sendRaw(
        res,
        'bars',
        `{"symbol":${JSON.stringify(symbol)},"date":${JSON.stringify(watch.date)},"bars":[${bars}]}`,
      );
    }
    for (const data of this.#indices.values()) sendRaw(res, 'index', data);
    if (this.#overview) sendRaw(res, 'overview', this.#overview);
    if (this.#statusJson) sendRaw(res, 'status', this.#statusJson);
  }

  /** Ends every stream and stops polling. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#timer);
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
    this.#watches.clear();
  }

  #remove(client: Client): void {
    this.#clients.delete(client);
    if (![...this.#clients].some((c) => c.symbol === client.symbol)) this.#watches.delete(client.symbol);
  }

  #schedule(delay: number): void {
    if (this.#closed || this.#ticking || this.#clients.size === 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    this.#ticking = true;
    const started = Date.now();
    try {
      await Promise.all(
        [...this.#watches.entries()].map(([symbol, watch]) => this.#pollSymbol(symbol, watch)),
      );
      await this.#pollIndices();
      if (Date.now() - this.#overviewAt >= this.#overviewEveryMs) await this.#pollOverview();
      this.#pushStatus();
    } catch (error) {
      this.#pushFailure(error);
    } finally {
      this.#ticking = false;
      this.ticks++;
      this.#schedule(Math.max(0, this.#pollMs - (Date.now() - started)));
    }
  }

  async #pollSymbol(symbol: string, watch: Watch): Promise<void> {
    const { quote } = await this.#api.quote(symbol);
    if (!quote) return;
    this.#seen(quote.receivedAt ?? quote.time, quote.date);
    const quoteJson = JSON.stringify(quote);
    if (quoteJson !== watch.quote) {
      watch.quote = quoteJson;
      this.#toWatchers(symbol, 'quote', { symbol, quote });
    }
    const date = quote.date ?? ictDate(this.#api.now());
    if (date !== watch.date) {
      watch.date = date;
      watch.bars.clear();
      watch.lastTrade = undefined;
    }
    // Two bars: a trade of the previous minute can land after the next minute's first one.
    const bars = (await this.#api.reader.latestBars(symbol, date, 2)).map(toBar).reverse();
    const changed: Bar[] = bars.filter((bar) => watch.bars.get(bar.minute) !== JSON.stringify(bar));
    for (const bar of changed) watch.bars.set(bar.minute, JSON.stringify(bar));
    if (changed.length > 0) this.#toWatchers(symbol, 'bars', { symbol, date, bars: changed });
    const trades = (await this.#api.reader.latestTrades(symbol, date, 20)).filter(
      (item) => watch.lastTrade === undefined || String(item.sk) > watch.lastTrade,
    );
    if (trades.length > 0) {
      watch.lastTrade = String(trades[0].sk);
      this.#toWatchers(symbol, 'trades', { symbol, date, trades: trades.map(toTrade) });
    }
  }

  async #pollIndices(): Promise<void> {
    const date = this.#dataDate ?? ictDate(this.#api.now());
    for (const { id, name, latest } of await this.#api.latestIndices(date)) {
      if (!latest) continue;
      const data: { id: string; name: string; latest: IndexValue } = { id, name, latest };
      const json = JSON.stringify(data);
      if (this.#indices.get(id) === json) continue;
      this.#indices.set(id, json);
      this.#broadcastRaw(`event: index\ndata: ${json}\n\n`);
    }
  }

  async #pollOverview(): Promise<void> {
    this.#overviewAt = Date.now();
    const overview = await this.#api.overview();
    this.#seen(overview.lastUpdate, overview.date ?? undefined);
    const json = JSON.stringify(overview);
    if (json === this.#overview) return;
    this.#overview = json;
    this.#broadcastRaw(`event: overview\ndata: ${json}\n\n`);
  }

  #seen(time: number | null, date: string | null | undefined): void {
    if (time !== null && (this.#lastUpdate === null || time > this.#lastUpdate)) this.#lastUpdate = time;
    if (date && (!this.#dataDate || date > this.#dataDate)) this.#dataDate = date;
  }

  #pushStatus(): void {
    const status = computeStatus({
      now: this.#api.now(),
      wallNow: Date.now(),
      lastUpdate: this.#lastUpdate,
      staleAfterMs: this.#api.staleAfterMs,
    });
    // Pushed when what it says changes (while live the message has no age in it: the page ages it).
    const key = JSON.stringify([status.level, status.feed, status.message]);
    if (key === this.#status) return;
    this.#status = key;
    this.#statusJson = JSON.stringify(status);
    this.#broadcastRaw(`event: status\ndata: ${this.#statusJson}\n\n`);
  }

  #pushFailure(error: unknown): void {
    const reason = error instanceof DashboardRequestError ? error.reason : String(error);
    const key = `error:${reason}`;
    if (key === this.#status) return;
    this.#status = key;
    this.#statusJson = JSON.stringify({
      level: 'down',
      feed: 'down',
      message: `Cannot read the tables: ${reason}`,
    });
    this.#broadcastRaw(`event: status\ndata: ${this.#statusJson}\n\n`);
  }

  #toWatchers(symbol: string, event: string, data: unknown): void {
    for (const client of this.#clients) if (client.symbol === symbol) send(client.res, event, data);
  }

  #broadcastRaw(text: string): void {
    for (const client of this.#clients) client.res.write(text);
  }
}

function send(res: ServerResponse, event: string, data: unknown): void {
  sendRaw(res, event, JSON.stringify(data));
}

function sendRaw(res: ServerResponse, event: string, json: string): void {
  res.write(`event: ${event}\ndata: ${json}\n\n`);
}
