import { describePackageDocs } from '@tripswitch/testkit/package-docs';

describePackageDocs({
  packageDir: new URL('..', import.meta.url),
  packageName: '@tripswitch/fetch',
  sources: ['with-breaker.ts', 'breaker-interceptor.ts', 'classify.ts', 'options.ts'],
  // Fragments get the package's exports and a guarded fetch called `guarded`.
  prelude: [
    "import * as tripswitch from '../src/index.js';",
    'const { withBreaker, isFetchCircuitOpenError, defaultIsFailure, statusOf, networkErrorOf } = tripswitch;',
    'const guarded = withBreaker(fetch);',
    'void [withBreaker, isFetchCircuitOpenError, defaultIsFailure, statusOf, networkErrorOf, guarded];',
  ].join('\n'),
  minimum: { tsdoc: 7, programs: 5 },
});
