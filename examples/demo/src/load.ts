/** Bounds that hold whatever the flags say: the demo never turns into a load test. */
export const MAX_RATE_PER_S = 500;
const MAX_IN_FLIGHT = 64;
const REQUEST_TIMEOUT_MS = 3000;

export interface LoadOptions {
  /** URLs requested in turn. */
  readonly targets: readonly string[];
  /** Requests started per second, across all targets. */
  readonly ratePerSecond: number;
  /** Requests started in total; the generator stops by itself after that many. */
  readonly maxRequests: number;
}

export interface LoadGenerator {
  /** Responses by HTTP status (`error` for requests that got none). */
  readonly statuses: ReadonlyMap<string, number>;
  readonly sent: number;
  /** Stops starting requests and resolves when the ones in flight have settled. */
  stop(): Promise<void>;
}

/**
 * Sends GET requests at a fixed rate, round-robin over the targets. A tick is skipped (not queued) while
 * `MAX_IN_FLIGHT` requests are outstanding, so a hanging API slows the load down instead of piling it up.
 */
export function startLoad(options: LoadOptions): LoadGenerator {
  const rate = Math.min(Math.max(options.ratePerSecond, 1), MAX_RATE_PER_S);
  const statuses = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;

  const count = (key: string): void => {
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  };
  const fire = (url: string): void => {
    const request = fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      .then(async (response) => {
        await response.arrayBuffer();
        count(String(response.status));
      })
      .catch(() => count('error'))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  const timer = setInterval(() => {
    if (sent >= options.maxRequests) {
      clearInterval(timer);
      return;
    }
    if (inFlight.size >= MAX_IN_FLIGHT) return;
    fire(options.targets[sent % options.targets.length]!);
    sent++;
  }, 1000 / rate);

  return {
    statuses,
    get sent() {
      return sent;
    },
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
