import { describePackageDocs } from '@tripswitch/testkit/package-docs';

describePackageDocs({
  packageDir: new URL('..', import.meta.url),
  packageName: '@tripswitch/axios',
  sources: ['index.ts', 'with-breaker.ts', 'classify.ts', 'options.ts', 'request-url.ts'],
  // Fragments get the package's exports, Axios and an instance called `http`.
  prelude: [
    "import axios, { AxiosHeaders } from 'axios';",
    "import * as tripswitch from '../src/index.js';",
    'const { withBreaker, isAxiosCircuitOpenError, defaultIsFailure, statusOf, parseRetryAfter, originKey } = tripswitch;',
    'const http = axios.create();',
    'void [AxiosHeaders, withBreaker, isAxiosCircuitOpenError, defaultIsFailure, statusOf, parseRetryAfter, originKey, http];',
  ].join('\n'),
  minimum: { tsdoc: 6, programs: 5 },
});
