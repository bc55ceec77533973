/**
 * What a request to iboard must look like: the live servers have refused library
 * User-Agents (HTTP 403, spec "Endpoints and generations"), and the REST snapshot may want
 * iboard's own page as `Origin`/`Referer` (spec "Other transports"). Shared by the
 * websocket, the REST snapshot client and the MQTT transport.
 */

/** What iboard's own web page sends. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** iboard's web page, the origin of its own requests. */
export const IBOARD_ORIGIN = 'https://iboard.ssi.com.vn';
