import type { Attributes } from '@opentelemetry/api';
import { clientAttributes, originOf } from './origin.js';

/** What an {@link OriginCache} knows of one scheme and authority. */
export interface CachedOrigin {
  /** The origin as client adapters name breakers (see `originOf`). */
  readonly name: string;
  /** The span attributes of a request with this method (see `clientAttributes`), frozen and shared. */
  attributes(method: string): Attributes;
}

/** What ends the authority of a special URL (a backslash counts as a slash for http and https). */
const AUTHORITY_END = /[/\\?#]/;

/**
 * The origin and span attributes of absolute http(s) URL strings, cached by their scheme and authority
 * (the text before the path), so that a client adapter does not parse every request's URL: an HTTP
 * client calls a handful of upstreams, each with many paths. A miss parses the whole URL with the WHATWG
 * parser, so a hit gives exactly what parsing would have. At most `capacity` entries; when full, it
 * starts over.
 *
 * @example
 * ```ts
 * const origins = new OriginCache();
 * origins.lookup('https://api.example.com/v1/users?page=2')?.name; // 'https://api.example.com:443'
 * origins.lookup('/relative'); // undefined
 * ```
 */
export class OriginCache {
  readonly #entries = new Map<string, CachedOrigin>();

  constructor(readonly capacity = 256) {}

  /** The origin of `href`, or `undefined` when it is not an absolute http or https URL. */
  lookup(href: string): CachedOrigin | undefined {
    const scheme = href.startsWith('https://') ? 8 : href.startsWith('http://') ? 7 : 0;
    if (scheme === 0) return undefined;
    const end = href.slice(scheme).search(AUTHORITY_END);
    const key = end === -1 ? href : href.slice(0, scheme + end);
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return undefined;
    }
    if (this.#entries.size >= this.capacity) this.#entries.clear();
    const entry = cachedOrigin(url);
    this.#entries.set(key, entry);
    return entry;
  }
}

function cachedOrigin(url: URL): CachedOrigin {
  const byMethod = new Map<string, Attributes>();
  return {
    name: originOf(url),
    attributes(method) {
      let attributes = byMethod.get(method);
      if (attributes === undefined) {
        attributes = Object.freeze(clientAttributes(method, url));
        byMethod.set(method, attributes);
      }
      return attributes;
    },
  };
}
