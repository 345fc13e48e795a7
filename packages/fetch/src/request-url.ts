import type { FetchRequest } from './options.js';

/** @internal What the wrapper reads of a `Request` (from any fetch implementation). */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly signal: AbortSignal | null;
}

/** @internal True for a `Request` of any fetch implementation (checked by shape). */
export function isRequestLike(input: unknown): input is RequestLike {
  return typeof input === 'object' && input !== null && typeof (input as { url?: unknown }).url === 'string';
}

/** @internal The absolute URL fetch would send `input` to, or `undefined` when it does not parse. */
export function urlOf(input: unknown): URL | undefined {
  if (input instanceof URL) return input;
  try {
    return new URL(isRequestLike(input) ? input.url : String(input));
  } catch {
    return undefined;
  }
}

/** @internal The {@link FetchRequest} of a call that did not need one until now (a rejection to decorate). */
export function requestOf(
  input: string | URL | Request,
  init: RequestInit | undefined,
  method: string,
): FetchRequest {
  return { url: urlOf(input)!, method, input, init };
}
