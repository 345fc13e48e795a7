// The shared test helpers live in the testkit; this module keeps the adapter's tests' imports short.
export { deferred } from '../../testkit/src/deferred.js';
export { listen, type TestServer } from '../../testkit/src/listen.js';
