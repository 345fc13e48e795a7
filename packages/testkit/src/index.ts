export { type Deferred, deferred } from './deferred.js';
export { listen, type TestServer } from './listen.js';
