export { type Deferred, deferred } from './deferred.js';
export { type EventStreamReader, openEventStream, type ServerEvent } from './event-stream.js';
export { listen, type TestServer } from './listen.js';
