import { describe, expectTypeOf, it } from 'vitest';
import { withBreaker } from './index.js';

describe('withBreaker types', () => {
  it("returns a function with exactly fetch's type", () => {
    expectTypeOf(withBreaker(fetch)).toEqualTypeOf<typeof fetch>();
    const double = async (_input: string) => new Response('ok');
    expectTypeOf(withBreaker(double)).toEqualTypeOf<typeof double>();
  });

  it('declares the per-request opt-out on RequestInit', () => {
    expectTypeOf<RequestInit['breaker']>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error not a fetch function
    withBreaker('fetch');
  });
});
