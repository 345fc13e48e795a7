import { show } from '@tripswitch/core/http';
import { isResponseLike } from './classify.js';
import type { FetchRequest } from './options.js';

/** Frees the connection of a response nobody will read (its body is cancelled, never read). */
function discard(response: Response): void {
  const body = response.body;
  if (body === null || body.locked || response.bodyUsed) return;
  body.cancel().catch(() => undefined);
}

/**
 * @internal The `Response` a `fallback` answers with, checked by shape. `replaced` is the failing
 * response it stands in for: unless the fallback returned it, its body is cancelled.
 * @throws TypeError when the fallback does not return (or resolve to) a Response; its own error when it throws.
 */
export async function fallbackResponse(
  fallback: (error: unknown, request: FetchRequest) => Response | PromiseLike<Response>,
  error: unknown,
  request: FetchRequest,
  replaced: Response | undefined,
): Promise<Response> {
  let value: unknown;
  try {
    value = await fallback(error, request);
  } finally {
    if (replaced !== undefined && value !== replaced) discard(replaced);
  }
  if (!isResponseLike(value)) {
    throw new TypeError(`fallback must return (or resolve to) a Response, got ${show(value)}`);
  }
  return value;
}
