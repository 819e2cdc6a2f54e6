// Hand-written: DataLoader batches the keys asked for in one tick and caches, p-memoize caches; neither gives
// "one run at a time per key, and every caller a run begun after it asked", which is what a check before a write
// (the node's layout) or a read that must not be stale (an asset and its replicas) needs. It is a dozen lines.

/**
 * Wraps `fn` so that, per key, one call runs at a time and the callers that
 * ask while it runs share the next one, which begins after they asked: each
 * caller gets a result no older than its own request, and a burst of N
 * callers costs two runs, not N. Errors reach every caller of that run.
 *
 * `gatherTurn`: a run waits one turn of the event loop (`setImmediate`) before
 * it begins, so the callers that the same turn brings (requests read from
 * many sockets at once) share it. Without it, a run that ends within the
 * microtasks of its caller (PGlite answers without leaving the thread) is
 * over before the next caller asks, and nothing is ever shared.
 */
export function coalesce<K, V>(
  fn: (key: K) => Promise<V>,
  options: { gatherTurn?: boolean } = {},
): (key: K) => Promise<V> {
  const running = new Map<K, Promise<V>>();
  const next = new Map<K, Promise<V>>();
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return (key) => {
    const queued = next.get(key);
    if (queued) return queued;
    const before = (running.get(key) ?? Promise.resolve()).catch(() => undefined);
    const run = (options.gatherTurn ? Promise.all([before, turn()]) : before).then(() => {
      next.delete(key);
      const now = fn(key);
      running.set(key, now);
      return now.finally(() => running.get(key) === now && running.delete(key));
    });
    next.set(key, run);
    return run;
  };
}
