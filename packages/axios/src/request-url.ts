import { originOf } from '@tripswitch/core/http';
import type { InternalAxiosRequestConfig } from 'axios';

/** Axios's `isAbsoluteURL`: a scheme followed by `//`, or a protocol-relative `//`. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * @internal The URL a request goes to, resolved the way Axios resolves it (`baseURL` + `url`, honouring
 * `allowAbsoluteUrls`), or `undefined` when it is not an absolute URL: then Axios itself rejects the
 * request before sending anything.
 */
export function requestUrl(config: InternalAxiosRequestConfig): URL | undefined {
  const url = config.url ?? '';
  const base = config.baseURL;
  let full = url;
  if (base && (!ABSOLUTE_URL.test(url) || config.allowAbsoluteUrls === false)) {
    full = url ? `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : base;
  }
  try {
    return new URL(full);
  } catch {
    return undefined;
  }
}

/**
 * The default `key`: the origin of the request's URL, `scheme://host:port` with the default port
 * filled in (`https://payments.internal:443`), or `undefined` when the URL is not absolute (the request
 * then goes out without a breaker, and Axios rejects it as invalid).
 *
 * @example
 * ```ts
 * originKey({ baseURL: 'https://api.example.com/v1', url: 'users', headers: new AxiosHeaders() });
 * // 'https://api.example.com:443'
 * ```
 */
export function originKey(config: InternalAxiosRequestConfig): string | undefined {
  const url = requestUrl(config);
  return url === undefined ? undefined : originOf(url);
}
