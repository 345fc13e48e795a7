export { type Deferred, deferred } from './deferred.js';
export { type EventStreamReader, openEventStream, type ServerEvent } from './event-stream.js';
export { fetchText, type TextResponse } from './fetch-text.js';
export { listen, type TestServer } from './listen.js';
export { nextEvent } from './next-event.js';
