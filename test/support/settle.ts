import type { EventStore } from '../../events/store/event-store';

/**
 * Waits until readers can see `position`: the store holds back everything
 * above the oldest transaction still open anywhere on the server, so right
 * after an append another session's open transaction may hide it briefly.
 */
export async function settled(store: EventStore, position: bigint, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await store.headPosition()) < position) {
    if (Date.now() > deadline) throw new Error(`position ${position} not readable within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
