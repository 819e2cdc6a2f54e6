import { mapWithLimit } from './pool';

describe('mapWithLimit', () => {
  it('keeps at most `limit` calls in flight and returns results in the items order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithLimit([30, 5, 20, 1, 10, 2], 3, async (ms) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight -= 1;
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 2, 20, 4]);
    expect(most).toBe(3);
  });

  it('refuses a limit below 1', async () => {
    await expect(mapWithLimit([1], 0, async (x) => x)).rejects.toThrow(/concurrency must be an integer >= 1/);
  });
});
