import { hostname } from 'node:os';
import type { MeterProvider } from '@opentelemetry/api';
import { checkTimerDuration } from '@tripswitch/core';
import type { Redis } from 'ioredis';

/** Options of {@link coordinate}. */
export interface CoordinateOptions {
  /**
   * An ioredis 5 client. It is used as a template only: {@link coordinate} makes two connections of its
   * own with `redis.duplicate()` (a subscriber, and a command connection without an offline queue, so
   * that nothing stale is sent after an outage) and closes them when stopped; your client is not touched.
   */
  readonly redis: Redis;
  /**
   * The pub/sub channel the replicas of one fleet share.
   * @defaultValue `'tripswitch'`
   */
  readonly channel?: string;
  /**
   * Prefix of the keys written (`<keyPrefix>trial:<escaped breaker name>`).
   * @defaultValue `'tripswitch:'`
   */
  readonly keyPrefix?: string;
  /**
   * This replica's id, unique in the fleet: the `origin` of its messages and the value of the trial
   * lease it holds. At most 128 printable characters.
   * @defaultValue `<hostname>-<pid>-<random>`
   */
  readonly instanceId?: string;
  /**
   * The longest open period a remote message can ask for, in ms; longer ones are cut to it.
   * @defaultValue 10 × the breaker's `resetTimeout`
   */
  readonly maxRemoteOpen?: number;
  /**
   * How long the replica that wins the trial race holds the fleet's trial slot, in ms. If it dies
   * mid-trial, another replica may take the slot this long after. Keep it above your trial calls'
   * timeout.
   * @defaultValue 5000
   */
  readonly trialLease?: number;
  /**
   * Whether a remote trip of a breaker this replica does not have yet creates it in the registry (with
   * default options) before opening it. Off by default: names from the channel are untrusted input.
   * @defaultValue false
   */
  readonly createOnRemote?: boolean;
  /**
   * How long a Redis command may take before this replica behaves as if Redis were down, in ms. No
   * call ever waits on it: it bounds how long a due circuit waits for the trial race's answer. At most
   * 2^31−1 (the longest timer Node.js sets).
   * @defaultValue 1000
   */
  readonly commandTimeout?: number;
  /** Where the `tripswitch.coordination.*` metrics go; the global meter provider unless given. */
  readonly meterProvider?: MeterProvider;
}

/** @internal */
export interface ResolvedCoordinateOptions {
  readonly redis: Redis;
  readonly channel: string;
  readonly keyPrefix: string;
  readonly instanceId: string;
  readonly maxRemoteOpen: number | undefined;
  readonly trialLease: number;
  readonly createOnRemote: boolean;
  readonly commandTimeout: number;
  readonly meterProvider: MeterProvider | undefined;
}

/** The defaults of {@link CoordinateOptions}. */
export const COORDINATE_DEFAULTS = Object.freeze({
  channel: 'tripswitch',
  keyPrefix: 'tripswitch:',
  trialLease: 5000,
  createOnRemote: false,
  commandTimeout: 1000,
});

/** @internal printable ASCII without spaces: ids and names that go into messages and keys. */
export const ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const KNOWN = new Set([
  'redis',
  'channel',
  'keyPrefix',
  'instanceId',
  'maxRemoteOpen',
  'trialLease',
  'createOnRemote',
  'commandTimeout',
  'meterProvider',
]);

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function duration(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    const message = `${option} must be a finite number of ms > 0, got ${show(value)}`;
    throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
  }
  return value;
}

function text(option: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new TypeError(`${option} must be a ${allowEmpty ? '' : 'non-empty '}string, got ${show(value)}`);
  }
  return value;
}

/**
 * Checks and completes the options of {@link coordinate}; `null` means "not given".
 * @throws TypeError or RangeError naming the option and the value.
 */
export function resolveOptions(options: CoordinateOptions): ResolvedCoordinateOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`coordinate() options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown coordinate() option ${show(key)}`);
  }
  const redis = options.redis as unknown;
  if (typeof (redis as { duplicate?: unknown } | null)?.duplicate !== 'function') {
    throw new TypeError(`redis must be an ioredis client (with duplicate()), got ${show(redis)}`);
  }
  const instanceId = text(
    'instanceId',
    options.instanceId ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    false,
  );
  if (!ID_PATTERN.test(instanceId)) {
    throw new RangeError(
      `instanceId must be 1-128 printable characters without spaces, got ${show(instanceId)}`,
    );
  }
  const createOnRemote = options.createOnRemote ?? COORDINATE_DEFAULTS.createOnRemote;
  if (typeof createOnRemote !== 'boolean') {
    throw new TypeError(`createOnRemote must be a boolean, got ${show(createOnRemote)}`);
  }
  const meterProvider = options.meterProvider ?? undefined;
  if (meterProvider !== undefined && typeof meterProvider.getMeter !== 'function') {
    throw new TypeError(`meterProvider must be a MeterProvider, got ${show(meterProvider)}`);
  }
  return {
    redis: redis as Redis,
    channel: text('channel', options.channel ?? COORDINATE_DEFAULTS.channel, false),
    keyPrefix: text('keyPrefix', options.keyPrefix ?? COORDINATE_DEFAULTS.keyPrefix, true),
    instanceId,
    maxRemoteOpen:
      options.maxRemoteOpen == null ? undefined : duration('maxRemoteOpen', options.maxRemoteOpen),
    trialLease: Math.ceil(duration('trialLease', options.trialLease ?? COORDINATE_DEFAULTS.trialLease)),
    createOnRemote,
    // It reaches a timer: above 2^31-1 ms Node would fire it at once, and every command would time out.
    commandTimeout: checkTimerDuration(
      'commandTimeout',
      options.commandTimeout ?? COORDINATE_DEFAULTS.commandTimeout,
      true,
    ),
    meterProvider,
  };
}
