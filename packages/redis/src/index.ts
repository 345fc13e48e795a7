export { type Coordination, coordinate } from './coordinate.js';
export {
  ATTR_CHANNEL,
  ATTR_OUTCOME,
  ATTR_TYPE,
  COORDINATION_SCOPE,
  type CoordinationStats,
  METRIC_CONNECTED,
  METRIC_MESSAGES,
} from './coordination-metrics.js';
export {
  type ClosedMessage,
  type CoordinationMessage,
  type DropReason,
  MAX_MESSAGE_BYTES,
  type OpenMessage,
  PROTOCOL_VERSION,
} from './message.js';
export { COORDINATE_DEFAULTS, type CoordinateOptions } from './options.js';
