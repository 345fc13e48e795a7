import { describe, expect, it } from 'vitest';
import { createTestClock } from '../clock.js';
import { isCircuitOpenError } from '../errors.js';
import type { Permit } from '../permit.js';
import { BreakerRegistry } from '../registry.js';
import { type ClientAnswers, createClientGuard } from './client-guard.js';
import { resolveHttpClientOptions } from './http-client-options.js';

interface Answer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

const answers: ClientAnswers = {
  statusOf: (x) => (x as Answer).status,
  headerOf: (x, name) => (x as Answer).headers?.[name],
  failureOf: (x) => (x as Answer).status ?? x,
  defaultIsFailure: (x) => ((x as Answer).status ?? 500) >= 500,
};

function setup(options: Parameters<typeof resolveHttpClientOptions<string, never>>[0] = {}) {
  const registry = new BreakerRegistry();
  const clock = createTestClock();
  const o = resolveHttpClientOptions<string, never>(
    { registry, clock, ...options },
    { name: 'withBreaker', refused: {} },
  );
  const guard = createClientGuard(o, 'withBreaker', 'request', answers);
  const breaker = registry.get('https://api.example.com:443', o.core);
  const admit = (): Permit => {
    const permit = breaker.admit();
    if (isCircuitOpenError(permit)) throw permit;
    return permit;
  };
  return { guard, breaker, admit, registry, clock };
}

describe('createClientGuard', () => {
  it('names breakers by origin, or by key, and refuses a key that is not a non-empty string', () => {
    const { guard, registry } = setup();
    expect(guard.breakerFor('r', new URL('http://a.example/x'))?.name).toBe('http://a.example:80');
    expect(guard.breakerFor('r', undefined)).toBeUndefined();
    expect(registry.size).toBe(2);

    const keyed = setup({ key: (request) => `k:${request}` });
    expect(keyed.guard.breakerFor('r', undefined)?.name).toBe('k:r');
    const empty = setup({ key: () => '' });
    expect(() => empty.guard.breakerFor('r', undefined)).toThrow(
      new TypeError('key(request) must return a non-empty string, got ""'),
    );
  });

  it('settles each answer once: failure with the status, success, ignored when skipped or by ignore', () => {
    const { guard, breaker, admit } = setup({ failureThreshold: 10, ignore: (e) => e === 'skip-me' });
    const failures: unknown[] = [];
    breaker.on('failure', (event) => failures.push(event.error));
    expect(guard.answered(breaker, admit(), { status: 503 })).toBe(true);
    expect(guard.answered(breaker, admit(), { status: 404 })).toBe(false);
    const boom = new Error('reset');
    expect(guard.failed(breaker, admit(), boom, false)).toBe('failure');
    expect(guard.failed(breaker, admit(), boom, true)).toBe('ignore');
    expect(guard.failed(breaker, admit(), 'skip-me', false)).toBe('ignore');
    expect(guard.failed(breaker, admit(), { status: 400 }, false)).toBe('success');
    expect(failures).toEqual([503, boom]);
    const m = breaker.getMetrics();
    expect([m.failureCount, m.successCount, m.ignoredCount, m.inFlight]).toEqual([2, 2, 2, 0]);
  });

  it('opens for a Retry-After on a failing 429 or 503 only, and never with respectRetryAfter: false', () => {
    const { guard, breaker, admit } = setup();
    guard.answered(breaker, admit(), { status: 500, headers: { 'retry-after': '5' } });
    expect(breaker.state).toBe('closed');
    guard.answered(breaker, admit(), { status: 503, headers: { 'retry-after': '5' } });
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfterMs).toBe(5000);

    const off = setup({ respectRetryAfter: false });
    off.guard.answered(off.breaker, off.admit(), { status: 429, headers: { 'retry-after': '5' } });
    expect(off.breaker.state).toBe('closed');
  });

  it('counts a call whose isFailure hook throws as a failure, and reports the hook error', () => {
    const reported: unknown[] = [];
    const boom = new Error('hook bug');
    const { guard, breaker, admit } = setup({
      isFailure: () => {
        throw boom;
      },
      onListenerError: (error, source) => reported.push([error, source]),
    });
    expect(guard.answered(breaker, admit(), { status: 200 })).toBe(true);
    expect(reported).toEqual([[boom, 'isFailure']]);
    expect(breaker.getMetrics().inFlight).toBe(0);
  });
});
