import express from 'express';
import { expectTypeOf, test } from 'vitest';
import { breaker } from './middleware.js';

test('breaker() before a handler keeps the route parameters typed from the path', () => {
  const app = express();
  app.get('/users/:id', breaker(), (req, res) => {
    expectTypeOf(req.params.id).toEqualTypeOf<string>();
    res.end();
  });
  const router = express.Router();
  router.post('/orders/:orderId/items/:itemId', breaker({ failureThreshold: 3 }), (req, res) => {
    expectTypeOf(req.params.orderId).toEqualTypeOf<string>();
    expectTypeOf(req.params.itemId).toEqualTypeOf<string>();
    res.end();
  });
  app.use(breaker({ name: 'everything' }));
});
