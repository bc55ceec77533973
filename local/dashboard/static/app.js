// The dashboard page: loads state over the read API, then follows the live stream (SSE).
// On every reconnection of the stream it re-fetches the whole state, so a runtime restart
// or a network blip leaves nothing stale.
import { candleChart, lineChart } from './charts.js';
import * as fmt from './format.js';
import * as panels from './panels.js';
import { setupPicker } from './picker.js';

const DEFAULT_SYMBOL = 'FPT';
/** Retry delay when the browser gives up on the stream (it answered something other than a stream). */
const RECONNECT_MS = 3000;

const state = {
  symbol: null,
  exchange: null,
  quote: null,
  barsDate: null,
  trades: [],
  indices: [],
  status: null,
  lastUpdate: null,
  serverOffset: 0,
  wallSkew: 0,
  connection: 'connecting',
  source: null,
  generation: 0,
  events: {},
};

const charts = {
  candles: candleChart(document.getElementById('candles-chart')),
  price: lineChart(document.getElementById('price-chart'), { color: fmt.COLORS.ref }),
  volume: lineChart(document.getElementById('volume-chart'), { color: fmt.COLORS.volume, isVolume: true }),
};

async function getJson(path) {
  const res = await fetch(path, { cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.reason ?? `${res.status} ${res.statusText}`), { body });
  return body;
}

function noteUpdate(time) {
  if (typeof time === 'number' && (state.lastUpdate === null || time > state.lastUpdate))
    state.lastUpdate = time;
}

// ---- the chosen symbol ------------------------------------------------------------

/** Loads every panel of `symbol`; throws (with the API's reason) for an unknown symbol. */
async function loadSymbol(symbol) {
  const generation = ++state.generation;
  const enc = encodeURIComponent(symbol);
  const [q, b, t] = await Promise.all([
    getJson(`/api/quote/${enc}`),
    getJson(`/api/bars/${enc}`),
    getJson(`/api/trades/${enc}?limit=30`),
  ]);
  if (generation !== state.generation) return; // a newer choice won the race
  state.symbol = q.symbol;
  state.exchange = q.exchange;
  state.quote = q.quote;
  state.barsDate = b.date;
  state.trades = t.trades;
  noteUpdate(q.quote?.receivedAt ?? q.quote?.time);
  panels.markSymbol(q.symbol);
  panels.renderQuote(q.symbol, q.exchange, q.quote);
  panels.renderBook(q.quote);
  panels.renderGauge(q.quote?.bidShare ?? null);
  panels.renderTrades(t.trades, q.quote);
  document.getElementById('candles-sub').textContent = b.bars.length > 0 ? b.date : `${b.date} · no bars yet`;
  charts.candles.setBars(b.bars);
  drawLines(b.bars, q.quote, b.date);
}

/** Price and cumulative volume over the day: bar closes, then the live quote. */
function drawLines(bars, quote, date) {
  const sameDay = quote && quote.date === date;
  const priced = bars.filter((bar) => bar.close !== null);
  const prices = priced.map((bar) => ({ time: bar.time, value: bar.close }));
  // Bars count only the volume the pipeline saw trade; anchor the line so it ends at the quote's total.
  const seen = bars.reduce((sum, bar) => sum + bar.volume, 0);
  let running = sameDay && quote.totalVolume !== null ? Math.max(0, quote.totalVolume - seen) : 0;
  const volumes = bars.map((bar) => {
    running += bar.volume;
    return { time: bar.time, value: running };
  });
  if (sameDay && quote.time !== null) {
    if (quote.lastPrice !== null) prices.push({ time: quote.time, value: quote.lastPrice });
    if (quote.totalVolume !== null) volumes.push({ time: quote.time, value: quote.totalVolume });
  }
  charts.price.setPoints(prices);
  charts.volume.setPoints(volumes);
  charts.price.setLevels([
    { price: quote?.reference ?? null, color: fmt.COLORS.ref, title: 'ref' },
    { price: quote?.ceiling ?? null, color: fmt.COLORS.ceil, title: 'ceiling' },
    { price: quote?.floor ?? null, color: fmt.COLORS.floor, title: 'floor' },
  ]);
}

// ---- the market -------------------------------------------------------------------

async function loadMarket() {
  const [indices, overview, status] = await Promise.all([
    getJson('/api/indices'),
    getJson('/api/overview'),
    getJson('/api/status'),
  ]);
  state.indices = indices.indices;
  panels.renderIndices(state.indices);
  onOverview(overview);
  onStatus(status);
}

function onOverview(overview) {
  noteUpdate(overview.lastUpdate);
  panels.renderOverview(overview, (symbol) => select(symbol));
}

function onStatus(status) {
  state.status = status;
  // The clock shows the server's calendar clock (simulated in a replay); ages use its wall clock.
  if (typeof status.now === 'number') state.serverOffset = status.now - Date.now();
  if (typeof status.wallNow === 'number') state.wallSkew = status.wallNow - Date.now();
  noteUpdate(status.lastUpdate);
  panels.renderStatus(status, state.connection);
  tick(); // the clock follows the server's (possibly simulated) clock at once
}

// ---- live stream ------------------------------------------------------------------

const handlers = {
  hello(_data, source) {
    state.connection = 'live';
    panels.renderStatus(state.status, state.connection);
    // Every connection after the first is a reconnection: the state may have moved on.
    if (source.hellos++ > 0) loadAll().catch(showError);
  },
  quote({ symbol, quote }) {
    if (symbol !== state.symbol) return;
    state.quote = quote;
    noteUpdate(quote.receivedAt ?? quote.time);
    panels.renderQuote(symbol, state.exchange ?? quote.exchange, quote);
    panels.renderBook(quote);
    panels.renderGauge(quote.bidShare);
    if (quote.date === state.barsDate && quote.time !== null) {
      charts.price.addPoint({ time: quote.time, value: quote.lastPrice });
      charts.volume.addPoint({ time: quote.time, value: quote.totalVolume });
    }
  },
  bars({ symbol, date, bars }) {
    if (symbol !== state.symbol) return;
    if (date !== state.barsDate) loadSymbol(symbol).catch(showError);
    else charts.candles.mergeBars(bars);
  },
  trades({ symbol, trades }) {
    if (symbol !== state.symbol) return;
    state.trades = [...trades, ...state.trades].slice(0, 50);
    panels.renderTrades(state.trades, state.quote);
  },
  index({ id, latest }) {
    const index = state.indices.find((i) => i.id === id);
    if (!index) return;
    index.latest = latest;
    const series = index.series;
    const minute = Math.floor(latest.time / 60_000);
    const last = series[series.length - 1];
    if (last && Math.floor(last.time / 60_000) === minute) series[series.length - 1] = latest;
    else if (!last || latest.time > last.time) series.push(latest);
    panels.renderIndices(state.indices);
  },
  overview: onOverview,
  status: onStatus,
};

function connect() {
  state.source?.close();
  const source = new EventSource(`/api/stream?symbol=${encodeURIComponent(state.symbol)}`);
  source.hellos = 0;
  state.source = source;
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (message) => {
      state.events[event] = (state.events[event] ?? 0) + 1;
      handle(JSON.parse(message.data), source);
    });
  }
  source.onerror = () => {
    state.connection = 'lost';
    panels.renderStatus(state.status, state.connection);
    // CONNECTING: the browser retries by itself. CLOSED: it gave up; try again ourselves.
    if (source.readyState === EventSource.CLOSED && state.source === source) {
      setTimeout(() => state.source === source && connect(), RECONNECT_MS);
    }
  };
}

// ---- choosing a symbol ------------------------------------------------------------

async function loadAll() {
  await Promise.all([loadSymbol(state.symbol), loadMarket()]);
}

function showError(error) {
  panels.showNotice(error.message);
}

/** Shows `symbol` everywhere; an unknown one leaves the page as it was and says why. */
async function select(symbol, { push = true } = {}) {
  try {
    await loadSymbol(symbol.trim().toUpperCase());
  } catch (error) {
    showError(error);
    return false;
  }
  panels.showNotice(null);
  if (push) history.pushState(null, '', `?symbol=${encodeURIComponent(state.symbol)}`);
  connect();
  return true;
}

function tick() {
  const now = Date.now() + state.serverOffset;
  panels.renderClock(now);
  const live = state.status?.feed === 'live' && state.connection === 'live';
  const age = Date.now() + state.wallSkew - state.lastUpdate;
  panels.renderAge(live && state.lastUpdate !== null ? `· last update ${fmt.age(age)} ago` : '');
}

async function start() {
  setupPicker({ onPick: (symbol) => select(symbol) });
  window.addEventListener('popstate', () => {
    select(new URLSearchParams(location.search).get('symbol') ?? DEFAULT_SYMBOL, { push: false });
  });
  setInterval(tick, 1000);
  tick();
  loadMarket().catch(showError);
  const wanted = new URLSearchParams(location.search).get('symbol') ?? DEFAULT_SYMBOL;
  if (!(await select(wanted, { push: false })) && wanted !== DEFAULT_SYMBOL) {
    const reason = document.getElementById('notice').textContent;
    await select(DEFAULT_SYMBOL, { push: true });
    panels.showNotice(`${reason} — showing ${DEFAULT_SYMBOL}`);
  }
}

// For the browser test and for curious users: what the page holds and what it has received.
window.dashboard = {
  state,
  select,
  chartPoints: () => ({
    candles: charts.candles.count(),
    price: charts.price.count(),
    volume: charts.volume.count(),
    lastCandle: charts.candles.last(),
    lastPrice: charts.price.last(),
    lastVolume: charts.volume.last(),
  }),
};

start();
