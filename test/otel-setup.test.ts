import { describeDocumentedSetup } from './otel-setup-suite.js';

describeDocumentedSetup(new URL('.', import.meta.url), '2.x');
