/**
 * A stand-in for a downstream service the API depends on. `up = false` makes every call fail, the way a
 * crashed dependency would.
 */
export const inventory = {
  up: true,
  async stockOf(sku: string): Promise<{ sku: string; inStock: number }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!inventory.up) throw new Error('inventory unavailable');
    return { sku, inStock: 12 };
  },
};
