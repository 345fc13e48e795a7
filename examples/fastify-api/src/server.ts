import { createApp } from './app.js';
import { sdk } from './telemetry.js';

const port = Number(process.env.PORT ?? 3000);
const app = await createApp();
await app.listen({ port, host: '127.0.0.1' });
console.log(`fastify-api listening on http://127.0.0.1:${port}`);
console.log(`metrics on http://127.0.0.1:${process.env.METRICS_PORT ?? 9464}/metrics`);

// Flush spans and stop the metrics endpoint before exiting.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([app.close(), sdk.shutdown()]).finally(() => process.exit(0));
  });
}
