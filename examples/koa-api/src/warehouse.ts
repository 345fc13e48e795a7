/** A stand-in for the stock service this API asks; `online = false` makes it fail like a crashed one. */
export const warehouse = {
  online: true,
  async stockOf(sku: string): Promise<{ sku: string; available: number }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!warehouse.online)
      throw Object.assign(new Error('warehouse unreachable'), { status: 502, expose: true });
    return { sku, available: sku.length * 3 };
  },
};
