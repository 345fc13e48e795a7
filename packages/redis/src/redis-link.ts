import { diag } from '@opentelemetry/api';
import type { Redis, RedisOptions } from 'ioredis';

/** Reconnect soon and keep trying: coordination must come back by itself after any outage. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2000);

/** Releases a trial lease only if this replica still holds it (another may have taken it since). */
const RELEASE_LEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * @internal The two connections coordination makes from the user's client: a subscriber, and a command
 * connection without an offline queue (a command that cannot be sent now fails now, instead of being
 * sent stale after an outage). Every command is bounded by `commandTimeout` and never throws: Redis
 * trouble reads as "not connected", and the replica behaves as an uncoordinated one.
 */
export class RedisLink {
  private readonly sub: Redis;
  private readonly cmd: Redis;
  private subscribed = false;
  private up = false;
  private warned = false;
  private closed = false;

  constructor(
    template: Redis,
    private readonly channel: string,
    private readonly commandTimeout: number,
    onMessage: (raw: Buffer) => void,
    private readonly onConnected: (connected: boolean) => void,
  ) {
    const shared: Partial<RedisOptions> = { lazyConnect: false, retryStrategy };
    this.sub = template.duplicate({ ...shared, enableOfflineQueue: true, autoResubscribe: true });
    this.cmd = template.duplicate({
      ...shared,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
    });
    const channelBytes = Buffer.from(channel);
    this.sub.on('messageBuffer', (from: Buffer, message: Buffer) => {
      if (channelBytes.equals(from)) onMessage(message);
    });
    for (const connection of [this.sub, this.cmd]) {
      connection.on('ready', () => this.update());
      connection.on('close', () => this.update());
      // ioredis reports each failed reconnect as an 'error'; the outage is reported once, in update().
      connection.on('error', () => this.update());
    }
  }

  /**
   * Subscribes; resolves once subscribed and the command connection is ready too, or after
   * `commandTimeout`, whichever comes first.
   */
  async start(): Promise<void> {
    const subscribing = this.sub.subscribe(this.channel).then(
      () => {
        this.subscribed = true;
        this.update();
      },
      () => {},
    );
    const commandReady =
      this.cmd.status === 'ready'
        ? undefined
        : new Promise<void>((resolve) => this.cmd.once('ready', resolve));
    await this.bounded(Promise.all([subscribing, commandReady]));
    this.update();
  }

  /** Whether both connections are ready and the channel is subscribed. */
  get connected(): boolean {
    return this.up;
  }

  /** `SET key value NX PX leaseMs`: true when this replica got the key, undefined when Redis did not answer. */
  async acquire(key: string, value: string, leaseMs: number): Promise<boolean | undefined> {
    const reply = await this.send(() => this.cmd.set(key, value, 'PX', leaseMs, 'NX'));
    return reply === undefined ? undefined : reply === 'OK';
  }

  /** Deletes `key` if it still holds `value`. */
  async release(key: string, value: string): Promise<void> {
    await this.send(() => this.cmd.eval(RELEASE_LEASE, 1, key, value));
  }

  /** Publishes on the channel; true when Redis took it. */
  async publish(message: string): Promise<boolean> {
    return (await this.send(() => this.cmd.publish(this.channel, message))) !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.bounded(Promise.allSettled([this.sub.quit(), this.cmd.quit()]));
    this.sub.disconnect();
    this.cmd.disconnect();
    this.update();
  }

  private async send<T>(command: () => Promise<T>): Promise<T | undefined> {
    if (!this.up) return undefined;
    try {
      return await this.bounded(command());
    } catch {
      return undefined;
    }
  }

  /** `promise`, or undefined once `commandTimeout` has passed; the timer never keeps the process alive. */
  private bounded<T>(promise: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, this.commandTimeout, undefined);
      timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private update(): void {
    const up = !this.closed && this.subscribed && this.sub.status === 'ready' && this.cmd.status === 'ready';
    if (up === this.up) return;
    this.up = up;
    if (!up && !this.closed && !this.warned) {
      this.warned = true;
      diag.warn(
        'tripswitch/redis: lost the connection to Redis; breakers work locally (uncoordinated) and ' +
          'coordination resumes by itself once Redis is back',
      );
    } else if (up && this.warned) {
      this.warned = false;
      diag.info('tripswitch/redis: connected to Redis again; coordination resumed');
    }
    this.onConnected(up);
  }
}
