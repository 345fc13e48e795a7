import { show } from './check.js';
import { checkRegistry } from './http/check-registry.js';
import { type CircuitBreakerOptions, resolveOptions } from './options.js';
import type { BreakerRegistry } from './registry.js';
import {
  callerSignal,
  checkSignalArgument,
  type SignalArgument,
  signalPosition,
  withSignal,
} from './signal-argument.js';

/** Options of the {@link circuitBreaker} decorator: breaker options plus where the breaker lives. */
export interface CircuitBreakerDecoratorOptions extends CircuitBreakerOptions<unknown> {
  /** The registry that holds the breaker. @defaultValue defaultRegistry */
  readonly registry?: BreakerRegistry;
  /**
   * `'last'`: the method receives the call's `AbortSignal` (aborted at the breaker's `timeout`) as its last
   * declared parameter; an `AbortSignal` the caller passes there is the caller's signal.
   * @defaultValue the method never sees the signal
   */
  readonly signal?: SignalArgument;
}

// biome-ignore lint/suspicious/noExplicitAny: a decorated method may have any signature
type AnyMethod = (this: any, ...args: any[]) => any;

function protect(
  method: AnyMethod,
  fixedName: string | undefined,
  methodName: string,
  options: CircuitBreakerDecoratorOptions,
): AnyMethod {
  const { registry: given, name: _name, signal, ...breakerOptions } = options;
  const registry = checkRegistry(given);
  const at = signalPosition(`@circuitBreaker on ${methodName}`, method, signal);
  return function protectedMethod(this: unknown, ...args: unknown[]) {
    const owner = (typeof this === 'function' ? this : (this as object | null)?.constructor) as
      | { name?: string }
      | undefined;
    const name = fixedName ?? `${owner?.name || 'anonymous'}.${methodName}`;
    const breaker = registry.get(name, breakerOptions);
    if (at < 0) return breaker.execute(() => method.apply(this, args));
    return breaker.execute((s) => method.apply(this, withSignal(args, at, s)), callerSignal(args, at));
  };
}

/**
 * A method decorator: calls to the method go through the registry's breaker of that name (default name:
 * `ClassName.methodName`), so every instance shares one breaker. The method then returns a promise.
 * Works as a standard (TC39) decorator and under TypeScript's `experimentalDecorators` (as NestJS uses).
 *
 * @example
 * ```ts
 * class PaymentsClient {
 *   @circuitBreaker({ name: 'payments', failureThreshold: 3 })
 *   async charge(orderId: string) { ... }
 * }
 * ```
 * @throws TypeError or RangeError at once for invalid options (breaker options, `registry`, `signal`);
 * TypeError when applied to something that is not a method, or with `signal: 'last'` to a method that
 * declares no parameter.
 */
export function circuitBreaker(options: CircuitBreakerDecoratorOptions = {}) {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`circuitBreaker(options) needs an object, got ${show(options)}`);
  }
  // Validate now, at decoration, rather than on the first call.
  const { registry, signal, ...breakerOptions } = options;
  checkRegistry(registry);
  checkSignalArgument('@circuitBreaker', signal);
  resolveOptions(breakerOptions);
  function decorate(value: AnyMethod, context: ClassMethodDecoratorContext): AnyMethod;
  function decorate(target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  function decorate(
    target: AnyMethod | object,
    contextOrKey: ClassMethodDecoratorContext | string | symbol,
    descriptor?: PropertyDescriptor,
  ): AnyMethod | PropertyDescriptor {
    if (typeof contextOrKey === 'object' && contextOrKey !== null && 'kind' in contextOrKey) {
      if (contextOrKey.kind !== 'method' || typeof target !== 'function') {
        throw new TypeError(`@circuitBreaker applies to methods, not to a ${contextOrKey.kind}`);
      }
      return protect(target as AnyMethod, options.name, String(contextOrKey.name), options);
    }
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new TypeError(`@circuitBreaker applies to methods; ${String(contextOrKey)} is not one`);
    }
    return {
      ...descriptor,
      value: protect(descriptor.value as AnyMethod, options.name, String(contextOrKey), options),
    };
  }
  return decorate;
}
