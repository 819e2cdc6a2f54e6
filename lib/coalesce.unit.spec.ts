import { coalesce } from './coalesce';

describe('coalesce', () => {
  /** A function whose runs the test ends by hand, counting them per key. */
  function gated() {
    const runs: Array<{ key: string; end: (v: string) => void; fail: (e: Error) => void }> = [];
    const fn = (key: string) =>
      new Promise<string>((end, fail) => {
        runs.push({ key, end, fail });
      });
    return { runs, fn };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  test('callers asking together share one run; those asking while it runs share the next, begun after them', async () => {
    const { runs, fn } = gated();
    const get = coalesce(fn);
    const first = [get('a'), get('a'), get('a')];
    await tick();
    expect(runs).toHaveLength(1);
    const second = [get('a'), get('a')];
    await tick();
    expect(runs).toHaveLength(1); // the next waits for the running one
    runs[0]!.end('v1');
    expect(await Promise.all(first)).toEqual(['v1', 'v1', 'v1']);
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.end('v2');
    expect(await Promise.all(second)).toEqual(['v2', 'v2']);
  });

  test('keys do not wait on each other, and a failed run fails its callers only', async () => {
    const { runs, fn } = gated();
    const get = coalesce(fn);
    const a = get('a');
    const b = get('b');
    await tick();
    expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
    const later = get('a');
    runs[0]!.fail(new Error('disk gone'));
    await expect(a).rejects.toThrow('disk gone');
    await tick();
    runs[2]!.end('back');
    expect(await later).toBe('back');
    runs[1]!.end('b1');
    expect(await b).toBe('b1');
  });

  test('gatherTurn: callers that one turn of the event loop brings share a run that ends at once', async () => {
    const twoCallbacksOfOneTurn = (get: (key: string) => Promise<number>) =>
      new Promise<number[]>((resolve) => {
        const asked: Array<Promise<number>> = [];
        setImmediate(() => asked.push(get('a')));
        setImmediate(() => {
          asked.push(get('a'));
          resolve(Promise.all(asked));
        });
      });
    let runs = 0;
    const instant = async () => ++runs;
    expect(await twoCallbacksOfOneTurn(coalesce(instant))).toEqual([1, 2]);
    runs = 0;
    expect(await twoCallbacksOfOneTurn(coalesce(instant, { gatherTurn: true }))).toEqual([1, 1]);
  });
});
