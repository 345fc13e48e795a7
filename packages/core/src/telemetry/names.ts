/**
 * Every telemetry name tripswitch emits, in one place. These strings are a public contract: dashboards,
 * alerts and docs/telemetry.md depend on them.
 */

/** The instrumentation scope name (the scope version is the package version). */
export const INSTRUMENTATION_SCOPE = '@tripswitch/core';

// Span names; each is followed by a space and the breaker's name.
/** Span name `circuit_breaker.transition` (followed by a space and the breaker name). */
export const SPAN_TRANSITION = 'circuit_breaker.transition';
/** Span name `circuit_breaker.reject` (followed by a space and the breaker name). */
export const SPAN_REJECT = 'circuit_breaker.reject';
/** Span name `circuit_breaker.call` (followed by a space and the breaker name). */
export const SPAN_CALL = 'circuit_breaker.call';

// Metric names.
/** Metric `tripswitch.breaker.calls` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_CALLS = 'tripswitch.breaker.calls';
/** Metric `tripswitch.breaker.call.duration` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_CALL_DURATION = 'tripswitch.breaker.call.duration';
/** Metric `tripswitch.breaker.transitions` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_TRANSITIONS = 'tripswitch.breaker.transitions';
/** Metric `tripswitch.breaker.status` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_STATUS = 'tripswitch.breaker.status';
/** Metric `tripswitch.breaker.active_calls` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_ACTIVE_CALLS = 'tripswitch.breaker.active_calls';
/** Metric `tripswitch.breaker.failure_rate` (see docs/telemetry.md for its unit and attributes). */
export const METRIC_FAILURE_RATE = 'tripswitch.breaker.failure_rate';

// Attribute keys.
/** Attribute key `tripswitch.breaker.name`. */
export const ATTR_NAME = 'tripswitch.breaker.name';
/** Attribute key `tripswitch.breaker.state`. */
export const ATTR_STATE = 'tripswitch.breaker.state';
/** Attribute key `tripswitch.breaker.previous_state`. */
export const ATTR_PREVIOUS_STATE = 'tripswitch.breaker.previous_state';
/** Attribute key `tripswitch.breaker.outcome`. */
export const ATTR_OUTCOME = 'tripswitch.breaker.outcome';
/** Attribute key `tripswitch.breaker.reason`. */
export const ATTR_REASON = 'tripswitch.breaker.reason';
/** Attribute key `tripswitch.breaker.trial`. */
export const ATTR_TRIAL = 'tripswitch.breaker.trial';
/** Attribute key `tripswitch.breaker.retry_after_ms`. */
export const ATTR_RETRY_AFTER_MS = 'tripswitch.breaker.retry_after_ms';
/** Attribute key `tripswitch.breaker.consecutive_failures`. */
export const ATTR_CONSECUTIVE_FAILURES = 'tripswitch.breaker.consecutive_failures';
/** Attribute key `tripswitch.breaker.failure_rate`. */
export const ATTR_FAILURE_RATE = 'tripswitch.breaker.failure_rate';
/** Attribute key `tripswitch.breaker.slow_call_rate`. */
export const ATTR_SLOW_CALL_RATE = 'tripswitch.breaker.slow_call_rate';
/** Attribute key `tripswitch.breaker.threshold`. */
export const ATTR_THRESHOLD = 'tripswitch.breaker.threshold';
/** On transitions decided elsewhere (reason `remote`): the instance id of the replica that decided. */
export const ATTR_ORIGIN = 'tripswitch.breaker.origin';
/** From the OpenTelemetry semantic conventions. */
export const ATTR_ERROR_TYPE = 'error.type';

/**
 * HTTP attribute keys the adapters put on the spans of their calls (never on metrics), from the
 * OpenTelemetry HTTP semantic conventions.
 */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
/** Attribute key `http.route`. */
export const ATTR_HTTP_ROUTE = 'http.route';
/** Attribute key `server.address`. */
export const ATTR_SERVER_ADDRESS = 'server.address';
/** Attribute key `server.port`. */
export const ATTR_SERVER_PORT = 'server.port';
/** The scheme of an outgoing request's URL, without the colon (`https`). */
export const ATTR_URL_SCHEME = 'url.scheme';

// Values of {@link ATTR_OUTCOME}.
/** `tripswitch.breaker.outcome` value `success`. */
export const OUTCOME_SUCCESS = 'success';
/** `tripswitch.breaker.outcome` value `failure`. */
export const OUTCOME_FAILURE = 'failure';
/** `tripswitch.breaker.outcome` value `ignored`. */
export const OUTCOME_IGNORED = 'ignored';
/** `tripswitch.breaker.outcome` value `rejected`. */
export const OUTCOME_REJECTED = 'rejected';

/** `error.type` values on rejections; `timeout` on calls that ran out of time. */
export const ERROR_TYPE_CIRCUIT_OPEN = 'circuit_open';
/** `error.type` value `half_open_full`. */
export const ERROR_TYPE_HALF_OPEN_FULL = 'half_open_full';
/** Open period over, but another replica runs the fleet's trial calls (fleet coordination). */
export const ERROR_TYPE_TRIAL_ELSEWHERE = 'trial_elsewhere';
/** `error.type` value `timeout`. */
export const ERROR_TYPE_TIMEOUT = 'timeout';
/** Used once a breaker has seen more distinct error types than it keeps series for. */
export const ERROR_TYPE_OTHER = '_OTHER';

/** Status descriptions of reject spans. */
export const REJECT_DESCRIPTION_OPEN = 'circuit open';
/** `half-open trial limit reached` */
export const REJECT_DESCRIPTION_HALF_OPEN_FULL = 'half-open trial limit reached';

/** Histogram bucket advice for {@link METRIC_CALL_DURATION}, in seconds. */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** How many failing calls an opening transition links to. */
export const MAX_FAILURE_LINKS = 5;
