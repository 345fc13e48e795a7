import { describeMiddlewareOptions } from '@tripswitch/testkit/middleware-options-suite';
import { breakerHealth } from './health.js';
import { breaker } from './middleware.js';

describeMiddlewareOptions({ breaker, breakerHealth, entry: () => import('./index.js') });
