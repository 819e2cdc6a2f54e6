/**
 * Runs `work` on every item with at most `limit` calls in flight, and
 * resolves with the results in the items' order. Items are taken in order,
 * so large files listed first start first. `work` must not reject (the
 * scan turns every failure into a result); if it does, the pool rejects
 * after the calls already started have settled.
 */
export async function mapWithLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}
