// The symbol picker: type to search the symbol list (GET /api/symbols?q=), pick with a
// click, Enter or the arrow keys.

const SEARCH_DELAY_MS = 120;

export function setupPicker({ onPick }) {
  const input = document.getElementById('symbol-input');
  const list = document.getElementById('symbol-results');
  let timer;
  let results = [];
  let active = -1;
  let query = 0;

  const close = () => {
    list.hidden = true;
    active = -1;
  };

  const pick = async (symbol) => {
    close();
    input.value = '';
    input.blur();
    await onPick(symbol);
  };

  const render = () => {
    list.replaceChildren(
      ...results.map((entry, i) => {
        const item = document.createElement('li');
        item.className = `picker-item${i === active ? ' active' : ''}`;
        item.dataset.symbol = entry.symbol;
        const symbol = document.createElement('span');
        symbol.className = 'picker-symbol';
        symbol.textContent = entry.symbol;
        const exchange = document.createElement('span');
        exchange.className = 'picker-exchange';
        exchange.textContent = (entry.exchange ?? '').toUpperCase();
        item.append(symbol, exchange);
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          pick(entry.symbol);
        });
        return item;
      }),
    );
    list.hidden = results.length === 0;
  };

  const search = async () => {
    const q = input.value.trim();
    const mine = ++query;
    if (!q || !/^[A-Za-z0-9]{1,20}$/.test(q)) {
      results = [];
      render();
      return;
    }
    const res = await fetch(`/api/symbols?q=${encodeURIComponent(q)}&limit=12`);
    if (mine !== query || !res.ok) return;
    results = (await res.json()).symbols;
    active = results.length > 0 ? 0 : -1;
    render();
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length === 0) return;
      active = (active + (event.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length;
      render();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const typed = input.value.trim();
      if (typed) pick(results[active]?.symbol ?? typed);
    } else if (event.key === 'Escape') {
      close();
      input.blur();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}
