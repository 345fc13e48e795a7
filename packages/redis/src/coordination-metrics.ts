import { type Attributes, type Counter, type MeterProvider, metrics } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@tripswitch/core';
import type { DropReason } from './message.js';

declare const __TRIPSWITCH_VERSION__: string | undefined;

/** The instrumentation scope of the coordination metrics. */
export const COORDINATION_SCOPE = '@tripswitch/redis';
/** Counter of coordination messages, by `tripswitch.coordination.outcome`. */
export const METRIC_MESSAGES = 'tripswitch.coordination.messages';
/** Gauge: 1 while this replica is connected to Redis and subscribed, else 0. */
export const METRIC_CONNECTED = 'tripswitch.coordination.connected';
/** `published`, `received` or `dropped`. */
export const ATTR_OUTCOME = 'tripswitch.coordination.outcome';
/** `open` or `closed` (the message type), on published and received messages. */
export const ATTR_TYPE = 'tripswitch.coordination.type';
export const ATTR_CHANNEL = 'tripswitch.coordination.channel';

/** How many messages this replica published, received (valid, from others) and dropped. */
export interface CoordinationStats {
  readonly published: number;
  readonly received: number;
  readonly dropped: number;
  /** Dropped messages by reason. */
  readonly droppedBy: Readonly<Record<DropReason, number>>;
}

/** @internal the coordination counts, kept locally and reported as OpenTelemetry metrics. */
export class CoordinationMetrics {
  private published = 0;
  private received = 0;
  private readonly droppedBy: Record<DropReason, number> = { oversized: 0, malformed: 0 };
  private readonly counter: Counter;
  private readonly attrs = new Map<string, Attributes>();
  private readonly removeCallback: () => void;

  constructor(provider: MeterProvider | undefined, channel: string, connected: () => boolean) {
    const version = typeof __TRIPSWITCH_VERSION__ === 'string' ? __TRIPSWITCH_VERSION__ : undefined;
    const meter = (provider ?? metrics.getMeterProvider()).getMeter(COORDINATION_SCOPE, version);
    this.counter = meter.createCounter(METRIC_MESSAGES, {
      description: 'Fleet coordination messages: published, received (valid, from other replicas), dropped.',
      unit: '{message}',
    });
    const gauge = meter.createObservableGauge(METRIC_CONNECTED, {
      description: '1 while this replica is connected to Redis and subscribed to the channel, else 0.',
      unit: '1',
    });
    const channelAttrs = { [ATTR_CHANNEL]: channel };
    const callback = (result: { observe(value: number, attributes?: Attributes): void }) =>
      result.observe(connected() ? 1 : 0, channelAttrs);
    gauge.addCallback(callback);
    this.removeCallback = () => gauge.removeCallback(callback);
    this.base = channelAttrs;
  }

  private readonly base: Attributes;

  count(outcome: 'published' | 'received', type: string): void {
    if (outcome === 'published') this.published++;
    else this.received++;
    this.add(`${outcome}\0${type}`, { [ATTR_OUTCOME]: outcome, [ATTR_TYPE]: type });
  }

  dropped(reason: DropReason): void {
    this.droppedBy[reason]++;
    this.add(`dropped\0${reason}`, { [ATTR_OUTCOME]: 'dropped', [ATTR_ERROR_TYPE]: reason });
  }

  stats(): CoordinationStats {
    const droppedBy = { ...this.droppedBy };
    return {
      published: this.published,
      received: this.received,
      dropped: droppedBy.oversized + droppedBy.malformed,
      droppedBy,
    };
  }

  dispose(): void {
    this.removeCallback();
  }

  private add(key: string, extra: Attributes): void {
    let attrs = this.attrs.get(key);
    if (attrs === undefined) {
      attrs = { ...this.base, ...extra };
      this.attrs.set(key, attrs);
    }
    try {
      this.counter.add(1, attrs);
    } catch {
      // A broken SDK must not break coordination.
    }
  }
}
