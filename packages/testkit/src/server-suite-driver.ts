import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CircuitOpenError } from '@tripswitch/core';
import type { BreakerHealthOptions, HttpAdapterOptions } from '@tripswitch/core/http';

/**
 * What a suite handler can do with its request, the same few moves on every framework; the driver maps each
 * one to the framework's own way.
 */
export interface Exchange {
  /** The raw Node response (to watch its `close`). */
  readonly res: ServerResponse;
  /** A query parameter of the request. */
  query(name: string): string | undefined;
  /** Answers with `status` and a text body. */
  send(status: number, body?: string): void;
  /**
   * Hands `error` to the framework's error handling as a callback-style handler does: Express `next(err)`,
   * Fastify `reply.send(err)`, Koa a rejection of the handler.
   */
  pass(error: unknown): void;
  /** Sends the head and a first chunk, and never finishes the response. */
  writePartial(): void;
}

/** A route handler of the suite: a thrown error or a rejected promise is the framework's to handle. */
export type SuiteHandler = (x: Exchange) => void | Promise<void>;

/**
 * The options the suite gives a route's breaker: the adapter options, with the two framework-shaped hooks
 * in a framework-neutral form the driver translates.
 */
export interface SuiteBreakerOptions
  extends Omit<HttpAdapterOptions<never, never>, 'isFailure' | 'onReject' | 'registry'> {
  readonly registry: NonNullable<HttpAdapterOptions<never, never>['registry']>;
  /** The driver passes the response's status as the framework reports it, and the error when one. */
  readonly isFailure?: (status: number, error: unknown) => boolean;
  /** Answers a rejected request through `x`. */
  readonly onReject?: (error: CircuitOpenError, x: Exchange) => void | Promise<void>;
}

/** One route of a suite app. */
export interface SuiteRoute {
  readonly method: 'GET' | 'POST';
  /** The route's own template, e.g. `/users/:id`. */
  readonly path: string;
  /** Mounts the route under nested routers (or plugins) with these prefixes, outermost first. */
  readonly prefixes?: readonly string[];
  /**
   * The route's breaker. Two routes given the same object share one middleware instance (Express, Koa) or
   * one set of route options (Fastify), which still names a breaker per route.
   */
  readonly breaker: SuiteBreakerOptions;
  readonly handler: SuiteHandler;
}

/** What the suite asks a driver to serve. */
export interface SuiteApp {
  readonly routes?: readonly SuiteRoute[];
  /** Health handlers of the adapter (`breakerHealth(options)`) by path. */
  readonly health?: Readonly<Record<string, BreakerHealthOptions>>;
  /**
   * Runs for every request before routing and admission (an app-wide async middleware or hook); the request
   * goes on when the promise resolves.
   */
  readonly before?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** A suite app listening on 127.0.0.1. */
export interface SuiteServer {
  readonly url: string;
  /** Every error that reached the app's error handling, in order (the framework's default answers). */
  readonly errors: readonly unknown[];
  close(): Promise<void>;
}

/** How the server adapter suite runs one adapter on one framework major. */
export interface ServerSuiteDriver {
  /** Shown in the test names, e.g. `Express 5`. */
  readonly label: string;
  /** The framework major this driver is for. */
  readonly major: number;
  /** The version of the framework the driver loaded: the suite checks that it is of `major`. */
  readonly version: string;
  /** False where a rejected promise from a handler never reaches the framework (Express 4). */
  readonly asyncHandlerErrors: boolean;
  /** Serves `app` on port 0 of 127.0.0.1 with the framework's default error handling. */
  serve(app: SuiteApp): Promise<SuiteServer>;
}
