/**
 * The default failure rule of the HTTP client adapters for an answered request: 5xx and 429 (the upstream
 * is failing or overloaded). Any other status means the upstream is alive and answered, so a 404 is a
 * success.
 *
 * @example
 * ```ts
 * isFailureStatus(503); // true
 * isFailureStatus(429); // true
 * isFailureStatus(404); // false
 * ```
 */
export function isFailureStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * True for the statuses whose `Retry-After` a client adapter honours (429 and 503): the upstream says
 * when to come back, so the circuit stays open until then.
 *
 * @example
 * ```ts
 * if (honoursRetryAfter(response.status)) ms = parseRetryAfter(response.headers.get('retry-after') ?? undefined, …);
 * ```
 */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
