/** Awaits a request that must reject and returns what it rejected with (throws if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to reject, but it resolved');
}
