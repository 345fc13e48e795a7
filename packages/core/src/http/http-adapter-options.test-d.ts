import { describe, expectTypeOf, it } from 'vitest';
import type { CircuitOpenError } from '../errors.js';
import { type HttpAdapterOptions, resolveHttpAdapterOptions } from './http-adapter-options.js';
import { type HttpCircuitOpenError, toHttpError } from './rejection.js';

type IsFailure = (status: number, error?: unknown) => boolean;
type OnReject = (status: number, error: CircuitOpenError) => void;

describe('resolveHttpAdapterOptions types', () => {
  it("keeps the adapter's own hook signatures", () => {
    const options: HttpAdapterOptions<IsFailure, OnReject> = { failureThreshold: 3 };
    const o = resolveHttpAdapterOptions(options, { isFailure: (status: number) => status >= 500 });
    expectTypeOf(o.isFailure).toEqualTypeOf<IsFailure>();
    expectTypeOf(o.onReject).toEqualTypeOf<OnReject | undefined>();
    expectTypeOf(o.rejectWith).toEqualTypeOf<'response' | 'error'>();
  });

  it('leaves out the core options that only apply to execute()', () => {
    // @ts-expect-error timeout has no effect on a middleware
    const timeout: HttpAdapterOptions<IsFailure, OnReject> = { timeout: 100 };
    // @ts-expect-error fallback has no effect on a middleware
    const fallback: HttpAdapterOptions<IsFailure, OnReject> = { fallback: () => 1 };
    expectTypeOf(timeout).not.toBeAny();
    expectTypeOf(fallback).not.toBeAny();
  });

  it('types the decorated rejection', () => {
    expectTypeOf(toHttpError).returns.toEqualTypeOf<HttpCircuitOpenError>();
    expectTypeOf<HttpCircuitOpenError['status']>().toEqualTypeOf<503>();
    expectTypeOf<HttpCircuitOpenError>().toMatchTypeOf<CircuitOpenError>();
  });
});
