import { Agent, type Dispatcher } from 'undici';
import { describe, expectTypeOf, it } from 'vitest';
import { breakerInterceptor } from './index.js';

describe('breakerInterceptor types', () => {
  it("is an interceptor undici's compose() accepts", () => {
    const composed = new Agent().compose(breakerInterceptor({ failureThreshold: 3 }));
    expectTypeOf(composed).toEqualTypeOf<Dispatcher.ComposedDispatcher>();
    expectTypeOf(breakerInterceptor()).toExtend<Dispatcher.DispatcherComposeInterceptor>();
  });

  it('has no fallback (an interceptor cannot answer for the client)', () => {
    // @ts-expect-error fallback is withBreaker's
    breakerInterceptor({ fallback: () => new Response() });
  });
});
