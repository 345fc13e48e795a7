import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '../telemetry/names.js';

/** Port of each scheme when a URL does not give one (the WHATWG URL parser leaves `port` empty then). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  'http:': '80',
  'https:': '443',
  'ws:': '80',
  'wss:': '443',
  'ftp:': '21',
};

/**
 * The port a URL connects to: its own, or its scheme's default (`http:` 80, `https:` 443, `ws:` 80,
 * `wss:` 443, `ftp:` 21).
 *
 * @returns The port as a string, or `undefined` for a scheme without a known default and no port given.
 * @example
 * ```ts
 * portOf(new URL('https://api.example.com/v1')); // '443'
 * portOf(new URL('http://127.0.0.1:8080/')); // '8080'
 * ```
 */
export function portOf(url: URL): string | undefined {
  return url.port || DEFAULT_PORTS[url.protocol];
}

/**
 * The origin of a URL as client adapters name their breakers: `scheme://host:port`, with the scheme's
 * default port filled in, so `https://api.example.com` and `https://api.example.com:443` share a breaker.
 *
 * @example
 * ```ts
 * originOf(new URL('https://api.example.com/v1/users?page=2')); // 'https://api.example.com:443'
 * originOf(new URL('http://[::1]:3000/')); // 'http://[::1]:3000'
 * ```
 */
export function originOf(url: URL): string {
  const port = portOf(url);
  return port === undefined ? `${url.protocol}//${url.hostname}` : `${url.protocol}//${url.hostname}:${port}`;
}

/**
 * The span attributes of an outgoing request (never used on metrics): `http.request.method`, and, when
 * the URL is known, `server.address` (an IPv6 host without its brackets), `server.port` (a number) and
 * `url.scheme` (`https`, without the colon).
 *
 * @param method - The request method, in any case. @defaultValue 'GET' when empty
 * @example
 * ```ts
 * clientAttributes('post', new URL('https://api.example.com/charges'));
 * // { 'http.request.method': 'POST', 'server.address': 'api.example.com', 'server.port': 443, 'url.scheme': 'https' }
 * ```
 */
export function clientAttributes(method: string | undefined, url: URL | undefined): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: (method || 'GET').toUpperCase() };
  if (url !== undefined) {
    attributes[ATTR_SERVER_ADDRESS] = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = portOf(url);
    if (port !== undefined) attributes[ATTR_SERVER_PORT] = Number(port);
    attributes[ATTR_URL_SCHEME] = url.protocol.slice(0, -1);
  }
  return attributes;
}
