/**
 * The read API's routes: path and query string → checked input → {@link DashboardApi}.
 *
 * | route | query |
 * |---|---|
 * | `GET /api/symbols` | `q` (search), `limit` (1–2000, default 20) |
 * | `GET /api/quote/:symbol` | — |
 * | `GET /api/bars/:symbol` | `date`, `from`, `to` (`HH:MM` ICT) |
 * | `GET /api/trades/:symbol` | `limit` (1–1000, default 50), `date` |
 * | `GET /api/indices` | `date` |
 * | `GET /api/overview` | `top` (1–50, default 10) |
 * | `GET /api/status` | — |
 */
import type { DashboardApi } from './api.ts';
import { DASHBOARD_ERROR_CODES, DashboardRequestError } from './errors.ts';
import { parseDate, parseLimit, parseMinuteRange, parseQuery } from './validate.ts';

/** Enough for the whole list (~1,680 symbols) in one call. */
const MAX_SYMBOLS = 2_000;
const MAX_TRADES = 1_000;
const MAX_TOP = 50;

export async function routeApi(api: DashboardApi, url: URL): Promise<unknown> {
  const [, , resource, rawSymbol, ...rest] = url.pathname.split('/');
  const query = url.searchParams;
  const param = rawSymbol === undefined ? undefined : safeDecode(rawSymbol);
  if (rest.length === 0) {
    if (param === undefined) {
      switch (resource) {
        case 'symbols':
          return api.symbols(
            parseQuery(query.get('q')),
            parseLimit(query.get('limit'), { fallback: 20, max: MAX_SYMBOLS }),
          );
        case 'indices':
          return api.indices(parseDate(query.get('date')));
        case 'overview':
          return api.overview(parseLimit(query.get('top'), { fallback: 10, max: MAX_TOP, name: 'top' }));
        case 'status':
          return api.status();
      }
    } else {
      switch (resource) {
        case 'quote':
          return api.quote(await api.checkSymbol(param));
        case 'bars': {
          const symbol = await api.checkSymbol(param);
          const date = parseDate(query.get('date'));
          const { from, to } = parseMinuteRange(query.get('from'), query.get('to'));
          return api.bars(symbol, date, from, to);
        }
        case 'trades': {
          const symbol = await api.checkSymbol(param);
          const limit = parseLimit(query.get('limit'), { fallback: 50, max: MAX_TRADES });
          return api.trades(symbol, parseDate(query.get('date')), limit);
        }
      }
    }
  }
  throw new DashboardRequestError(
    DASHBOARD_ERROR_CODES.NOT_FOUND,
    404,
    `no API route ${url.pathname}; see docs/dashboard.md for the routes`,
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
