/**
 * A stand-in for a downstream service the API depends on. `up = false` makes every call fail, the way a
 * crashed dependency would.
 */
export const recommender = {
  up: true,
  async forUser(userId: string): Promise<{ userId: string; items: string[] }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!recommender.up) throw new Error('recommender unavailable');
    return { userId, items: ['tea', 'biscuits'] };
  },
};
