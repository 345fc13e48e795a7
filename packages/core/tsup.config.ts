import { packageConfig } from '../../tsup.config.base.js';

export default packageConfig(import.meta.url, {
  // `@tripswitch/core/http` and `/status-page` are more entries; shared code goes to chunks (CJS too), so
  // every entry sees one copy of module state such as `defaultRegistry`.
  entry: { index: 'src/index.ts', http: 'src/http/index.ts', 'status-page': 'src/status-page/index.ts' },
  splitting: true,
});
