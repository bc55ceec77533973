// DOM rendering of the panels. Elements are built with textContent (no HTML from data).
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'data') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function setText(id, text, toneClass) {
  const node = $(id);
  node.textContent = text;
  if (toneClass !== undefined)
    node.className = node.className.replace(/\b(up|down|ceil|floor|ref|flat)\b/g, '').trim();
  if (toneClass) node.classList.add(toneClass);
}

/** Marks the symbol panels with the symbol they show (the browser test reads it). */
export function markSymbol(symbol) {
  for (const id of [
    'quote-panel',
    'candles-panel',
    'price-panel',
    'volume-panel',
    'book-panel',
    'gauge-panel',
    'trades-panel',
  ]) {
    $(id).dataset.symbol = symbol;
  }
}

export function renderQuote(symbol, exchange, quote) {
  setText('q-symbol', symbol);
  setText('q-exchange', [exchange?.toUpperCase(), quote?.date].filter(Boolean).join(' · ') || '');
  const tone = fmt.tone(quote?.lastPrice, quote);
  setText('last-price', quote ? fmt.price(quote.lastPrice) : 'no data yet', tone);
  $('last-price').dataset.value = quote?.lastPrice ?? '';
  setText('q-change', quote ? fmt.signed(quote.change) : '—', tone);
  setText('q-change-pct', quote ? fmt.percent(quote.changePercent) : '—', tone);
  setText('q-ceiling', fmt.price(quote?.ceiling));
  setText('q-reference', fmt.price(quote?.reference));
  setText('q-floor', fmt.price(quote?.floor));
  setText('q-open', fmt.price(quote?.open), fmt.tone(quote?.open, quote));
  setText('q-high', fmt.price(quote?.high), fmt.tone(quote?.high, quote));
  setText('q-low', fmt.price(quote?.low), fmt.tone(quote?.low, quote));
  setText('q-average', fmt.price(quote?.average), fmt.tone(quote?.average, quote));
  setText('q-volume', fmt.volume(quote?.totalVolume));
  setText('q-value', fmt.billions(quote?.totalValue));
  setText(
    'q-foreign',
    quote ? `${fmt.volume(quote.foreign.buyVolume)} / ${fmt.volume(quote.foreign.sellVolume)}` : '—',
  );
  setText('q-time', quote ? fmt.ictTime(quote.time) : '—');
  document.title = quote
    ? `${symbol} ${fmt.price(quote.lastPrice)} ${fmt.percent(quote.changePercent)}`
    : symbol;
}

export function renderBook(quote) {
  const body = $('book-body');
  const bids = quote?.bids ?? [];
  const offers = quote?.offers ?? [];
  const max = Math.max(1, ...[...bids, ...offers].map((l) => l.volume ?? 0));
  const row = (side, level, index) => {
    const width = `${Math.round(((level?.volume ?? 0) / max) * 100)}%`;
    const bar = el('span', { class: `depth depth-${side}`, style: `width:${width}` });
    return el(
      'tr',
      { class: `book-${side}` },
      el('td', { class: 'book-label' }, `${side === 'bid' ? 'Bid' : 'Offer'} ${index + 1}`),
      el('td', { class: `num ${fmt.tone(level?.price, quote)}` }, fmt.price(level?.price)),
      el(
        'td',
        { class: 'num depth-cell' },
        bar,
        el('span', { class: 'depth-text' }, fmt.volume(level?.volume)),
      ),
    );
  };
  const rows = [];
  for (let i = 2; i >= 0; i--) rows.push(row('offer', offers[i], i));
  for (let i = 0; i < 3; i++) rows.push(row('bid', bids[i], i));
  body.replaceChildren(...rows);
}

/** Semicircle gauge: 0 (all offers) on the left, 1 (all bids) on the right. */
export function renderGauge(share) {
  const value = share === null || share === undefined ? null : Math.min(1, Math.max(0, share));
  const angle = Math.PI * (1 - (value ?? 0.5));
  const x = 100 + 80 * Math.cos(angle);
  const y = 100 - 80 * Math.sin(angle);
  $('gauge-arc').setAttribute(
    'd',
    value === null ? '' : `M 20 100 A 80 80 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`,
  );
  $('gauge-arc').setAttribute('class', `gauge-arc ${value === null ? '' : value >= 0.5 ? 'up' : 'down'}`);
  $('gauge-needle').setAttribute('x2', (100 + 60 * Math.cos(angle)).toFixed(2));
  $('gauge-needle').setAttribute('y2', (100 - 60 * Math.sin(angle)).toFixed(2));
  $('gauge-value').textContent = value === null ? '—' : `${(value * 100).toFixed(1)}%`;
  $('gauge-panel').dataset.value = value ?? '';
}

export function renderTrades(trades, quote) {
  const rows = trades
    .slice(0, 14)
    .map((t) =>
      el(
        'tr',
        {},
        el('td', {}, fmt.ictTime(t.time)),
        el('td', { class: `num ${fmt.tone(t.price, quote)}` }, fmt.price(t.price)),
        el('td', { class: 'num' }, fmt.volume(t.quantity)),
      ),
    );
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: '3', class: 'empty' }, 'no trades yet')));
  $('trades-body').replaceChildren(...rows);
}

function sparkline(series, tone) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 120 32');
  svg.setAttribute('class', 'spark');
  if (series.length > 1) {
    const values = series.map((p) => p.value);
    const lo = Math.min(...values);
    const span = Math.max(...values) - lo || 1;
    const points = series.map(
      (p, i) =>
        `${((i / (series.length - 1)) * 120).toFixed(1)},${(30 - ((p.value - lo) / span) * 28).toFixed(1)}`,
    );
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('class', `spark-line ${tone}`);
    svg.append(line);
  }
  return svg;
}

export function renderIndices(indices) {
  const cards = indices.map((index) => {
    const latest = index.latest;
    const tone = fmt.changeTone(latest?.change);
    return el(
      'div',
      { class: 'index-card', data: { index: index.id } },
      el('div', { class: 'index-name' }, index.name),
      el('div', { class: `index-value ${tone}` }, fmt.indexValue(latest?.value)),
      el(
        'div',
        { class: `index-change ${latest ? tone : 'empty'}` },
        latest
          ? `${fmt.signed(latest.change, fmt.indexValue)} ${fmt.percent(latest.changePercent)}`
          : 'no data',
      ),
      sparkline(index.series ?? [], tone),
    );
  });
  $('indices').replaceChildren(...cards);
}

function moverRows(rows, onPick, metric) {
  if (rows.length === 0) return [el('tr', {}, el('td', { class: 'empty' }, 'none yet'))];
  return rows.map((r) => {
    const tone = fmt.tone(r.lastPrice, r);
    return el(
      'tr',
      {
        class: 'mover',
        data: { symbol: r.symbol },
        onclick: () => onPick(r.symbol),
        title: `Show ${r.symbol}`,
      },
      el('td', { class: 'mover-symbol' }, r.symbol),
      el('td', { class: `num ${tone}` }, fmt.price(r.lastPrice)),
      el(
        'td',
        { class: `num ${tone}` },
        metric === 'value' ? fmt.billions(r.totalValue) : fmt.percent(r.changePercent),
      ),
    );
  });
}

export function renderOverview(overview, onPick) {
  $('overview-sub').textContent = overview.date
    ? `${overview.date} · ${overview.symbols} symbols · ${fmt.billions(overview.totalValue)} traded`
    : 'no quotes yet';
  const total = Math.max(1, overview.advances + overview.declines + overview.unchanged);
  const part = (n, cls, label) =>
    el(
      'div',
      { class: `breadth-part ${cls}`, style: `flex:${n / total}`, title: label },
      n > 0 ? `${n}` : '',
    );
  $('breadth').replaceChildren(
    part(overview.advances, 'bg-up', 'advances'),
    part(overview.unchanged, 'bg-ref', 'unchanged'),
    part(overview.declines, 'bg-down', 'declines'),
  );
  $('gainers').replaceChildren(...moverRows(overview.gainers, onPick, 'pct'));
  $('losers').replaceChildren(...moverRows(overview.losers, onPick, 'pct'));
  $('most-traded').replaceChildren(...moverRows(overview.mostTraded, onPick, 'value'));
}

export function renderStatus(status, connection) {
  const box = $('status');
  const level = connection === 'lost' ? 'down' : (status?.level ?? 'closed');
  box.className = `status status-${level}`;
  box.dataset.feed = status?.feed ?? '';
  box.dataset.trading = String(status?.trading ?? '');
  $('status-text').textContent =
    connection === 'lost'
      ? 'Connection to the dashboard lost — reconnecting…'
      : (status?.message ?? 'Connecting…');
}

export function renderAge(text) {
  $('status-age').textContent = text;
}

export function renderClock(nowMs) {
  $('clock-time').textContent = `${fmt.ictTime(nowMs)} ICT`;
  $('clock-date').textContent = fmt.ictDay(nowMs);
}

export function showNotice(text) {
  const node = $('notice');
  node.textContent = text ?? '';
  node.hidden = !text;
}
