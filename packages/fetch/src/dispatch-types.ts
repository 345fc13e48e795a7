/**
 * The undici types the interceptor uses, declared here by shape, so that using `withBreaker` alone needs
 * no undici types (undici is an optional peer dependency).
 */

/**
 * The part of undici's `DispatchOptions` the interceptor reads (declared here, so that using
 * `withBreaker` alone needs no undici types).
 */
export interface DispatchOptionsLike {
  readonly origin?: string | URL;
  readonly path: string;
  readonly method: string;
  readonly signal?: unknown;
  /** `false` sends this request without a breaker (`undici.request(url, { breaker: false } as never)`). */
  readonly breaker?: unknown;
}

/** undici's `DispatchHandler` (the controller API of undici 7 and later), as far as the interceptor uses it. */
export interface DispatchHandlerLike {
  onRequestStart?(controller: unknown, context: unknown): void;
  onRequestUpgrade?(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void;
  onResponseStart?(controller: unknown, statusCode: number, headers: unknown, statusMessage?: string): void;
  onResponseData?(controller: unknown, chunk: unknown): void;
  onResponseEnd?(controller: unknown, trailers: unknown): void;
  onResponseError?(controller: unknown, error: Error): void;
}

/**
 * undici's `Dispatcher['dispatch']`. Declared as a method, so that its parameters compare both ways and
 * undici's own (stricter) `DispatchOptions` fit.
 */
export type DispatchLike = {
  dispatch(options: DispatchOptionsLike, handler: DispatchHandlerLike): boolean;
}['dispatch'];

/** A request as the interceptor's `key` sees it. */
export interface DispatchRequest {
  /** The absolute URL the request goes to (`origin` + `path`). */
  readonly url: URL;
  /** The method, in upper case. */
  readonly method: string;
  /** undici's dispatch options, as given. */
  readonly options: DispatchOptionsLike;
}
