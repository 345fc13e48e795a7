import { describeDocumentedSetup } from '../../test/otel-setup-suite.js';

describeDocumentedSetup(new URL('..', import.meta.url), '3.x');
