import type { RouteOptions } from 'fastify';

type Hook = (...args: never[]) => void;
type HookName = 'onRequest' | 'onError';
/** The hooks the plugin adds to a guarded route. */
export type Guard = Record<HookName, Hook>;
/** The hooks a registration added to a route: a registration in an inner scope replaces them. */
const GUARD: unique symbol = Symbol('tripswitch.guard');

/**
 * @internal Puts `guard`'s hooks before the route's own (so a rejected request runs none of them), in place of
 * those of an outer registration of the plugin.
 */
export function installGuard(route: RouteOptions & { [GUARD]?: Guard }, guard: Guard): void {
  const previous = route[GUARD];
  route[GUARD] = guard;
  for (const name of ['onRequest', 'onError'] as const) {
    const given = route[name] as Hook | Hook[] | undefined;
    const own = given === undefined ? [] : Array.isArray(given) ? given : [given];
    route[name] = [guard[name], ...own.filter((h) => h !== previous?.[name])] as never;
  }
}
