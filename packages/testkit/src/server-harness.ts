import { BreakerRegistry, createTestClock, type TestClock } from '@tripswitch/core';
import { afterEach, beforeEach } from 'vitest';

/** What each test of a server adapter gets afresh from {@link useServerHarness}. */
export interface ServerHarness<S extends { close(): unknown }> {
  /** A new registry per test, so no breaker outlives its test. */
  readonly registry: BreakerRegistry;
  /** The breakers' clock: tests move it instead of sleeping. */
  readonly clock: TestClock;
  /** Closes `server` (an app, a listening server) after the test; returns it. */
  started<T extends S>(server: T): T;
}

/**
 * Registers hooks that make a registry and a test clock before each test, and close the servers the test
 * started after it.
 *
 * @example
 * ```ts
 * const h = useServerHarness<FastifyInstance>();
 * it('…', async () => {
 *   const app = h.started(Fastify());
 *   await app.register(tripswitch, { registry: h.registry, clock: h.clock });
 * });
 * ```
 */
export function useServerHarness<S extends { close(): unknown }>(): ServerHarness<S> {
  const harness = new Harness<S>();
  beforeEach(() => harness.reset());
  afterEach(() => harness.closeAll());
  return harness;
}

class Harness<S extends { close(): unknown }> implements ServerHarness<S> {
  registry = new BreakerRegistry();
  clock = createTestClock();
  private servers: S[] = [];

  started<T extends S>(server: T): T {
    this.servers.push(server);
    return server;
  }

  reset(): void {
    this.registry = new BreakerRegistry();
    this.clock = createTestClock();
    this.servers = [];
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}
