import { breaker, breakerHealth } from '@tripswitch/express';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { recommender } from './recommender.js';

/** The API: every route has its own breaker, named after the route (`GET /users/:id`, …). */
export function createApp(): Express {
  const app = express();

  app.get('/users/:id', breaker(), (req, res) => {
    res.json({ id: req.params.id, name: 'Ada Lovelace' });
  });

  // Three failures in a row open this route's breaker for 10 s: then it answers 503 + Retry-After at once,
  // without calling the recommender, while /users/:id keeps serving.
  app.get(
    '/recommendations/:userId',
    breaker({ failureThreshold: 3, resetTimeout: 10_000 }),
    async (req, res) => {
      res.json(await recommender.forUser(String(req.params.userId))); // Express 5 passes the rejection to next(err)
    },
  );

  // { status: 'UP' | 'DEGRADED', breakers: { 'GET /users/:id': { state, failureCount, … }, … } }
  app.get('/health/breakers', breakerHealth());

  // For trying it out: PUT /dev/recommender/down (or /up) switches the simulated dependency.
  app.put('/dev/recommender/:state', (req, res) => {
    recommender.up = req.params.state !== 'down';
    res.json({ recommender: recommender.up ? 'up' : 'down' });
  });

  // The breaker has already counted the error on its way here; this only shapes the response.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).json({ error: error instanceof Error ? error.message : 'internal error' });
  };
  app.use(onError);

  return app;
}
