import { describeServerReadmeExample } from '@tripswitch/testkit/readme-example';

describeServerReadmeExample(new URL('..', import.meta.url));
