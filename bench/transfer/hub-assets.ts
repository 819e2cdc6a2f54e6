import type { NewEvent, StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import type { Backbone } from '../../events/backbone/backbone';
import { uuidv7 } from '../../lib/ids';
import { foldAsset, nextStage } from '../../domain/asset/asset';
import { decide } from '../../domain/asset/decide';
import { stampDecision } from '../../events/handle-command';
import { transferIdFor } from '../../services/transfer/domain/request';
import type { Staged } from './fixtures';

/** Stands a new event in for a stored one, so the asset can be folded before it is appended. */
const asStored = (e: NewEvent, streamId: string, version: number): StoredEvent => ({
  ...e,
  streamId,
  version,
  position: 0n,
  schemaVersion: 1,
  prevHash: '',
  hash: '',
  recordedAt: e.metadata.occurredAt,
});

/**
 * Appends, in one write, the stream of an asset that a connector claimed and
 * screening cleared: the file staged by `stage()` becomes an asset the hub's
 * own screening finds already decided, so its requester asks for the transfer
 * at once. One write, because a screening job that saw the asset half-written
 * would screen the bench's random bytes itself.
 */
export async function appendClearedAsset(
  store: EventStore,
  file: Staged,
  route: { source: string; targets: string[]; sidecarPriority?: number },
): Promise<{ assetId: string; transferIds: string[] }> {
  const assetId = uuidv7();
  const streamId = `asset-${assetId}`;
  const metadata = {
    correlationId: assetId,
    causationId: assetId,
    actor: `connector:${route.source}`,
    occurredAt: new Date().toISOString(),
  };
  const events: NewEvent[] = [
    {
      id: uuidv7(),
      type: 'AssetDetected',
      data: {
        assetId,
        sourceNetwork: route.source,
        targets: route.targets,
        originalName: file.name,
        sizeBytes: file.sizeBytes,
      },
      metadata,
    },
    {
      id: uuidv7(),
      type: 'AssetIngested',
      data: { assetId, stagedPath: file.path, sizeBytes: file.sizeBytes, sha256: file.sha256 },
      metadata,
    },
  ];
  // A sidecar's priority 9 or 10 sends the asset through the urgent lane (services/transfer/domain/request.ts).
  if (route.sidecarPriority !== undefined)
    events.push({
      id: uuidv7(),
      type: 'SidecarParsed',
      data: { assetId, sidecar: { title: file.name, priority: route.sidecarPriority } },
      metadata,
    });
  const ctx = { actor: 'service:screening', now: metadata.occurredAt, newId: () => uuidv7() };
  for (;;) {
    const state = foldAsset(events.map((e, i) => asStored(e, streamId, i + 1)));
    const stage = nextStage(state);
    if (!stage) break;
    events.push(
      ...stampDecision(state, decide({ type: 'RecordVerdict', stage, verdict: { passed: true } }, state), ctx),
    );
  }
  await store.append(streamId, events, 'no_stream');
  return { assetId, transferIds: route.targets.map((t) => transferIdFor(assetId, t)) };
}

/**
 * Follows the transfers on the backbone, as another system would: when each
 * transfer first recorded an event of a type (its occurredAt, so the relay's
 * delay does not count). The bench asks nothing of the store while it waits.
 */
export async function watchTransfers(backbone: Backbone) {
  const seen = new Map<string, number>();
  // Each waiter counts down its own pending ids: an event costs one lookup per waiter, whatever their size.
  const waiters = new Set<{ type: string; pending: Set<string>; done: (failure?: string) => void }>();
  const consumer = await backbone.consume(
    { groupId: `bench-${uuidv7()}`, categories: ['transfer'], fromBeginning: false },
    async (e) => {
      const id = (e.data as { transferId: string }).transferId;
      const key = `${e.type}:${id}`;
      if (!seen.has(key)) seen.set(key, Date.parse(e.metadata.occurredAt));
      for (const w of waiters) {
        if (e.type === 'TransferFailed' && w.pending.has(id)) w.done(`${id}: ${JSON.stringify(e.data)}`);
        else if (e.type === w.type && w.pending.delete(id) && w.pending.size === 0) w.done();
      }
    },
  );
  return {
    /** Resolves with the latest occurredAt (ms) once every transfer has an event of `type`; a failure rejects. */
    async all(transferIds: string[], type: string, timeoutMs = 900_000): Promise<number> {
      const failed = transferIds.find((id) => seen.has(`TransferFailed:${id}`));
      if (failed && type !== 'TransferFailed') throw new Error(`transfer ${failed} failed`);
      const pending = new Set(transferIds.filter((id) => !seen.has(`${type}:${id}`)));
      if (pending.size > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => w.done(`${transferIds.length - pending.size} of ${transferIds.length} reached ${type} in time`),
            timeoutMs,
          );
          const w = {
            type,
            pending,
            done: (failure?: string) => {
              clearTimeout(timer);
              waiters.delete(w);
              if (failure) reject(new Error(`transfers: ${failure}`));
              else resolve();
            },
          };
          waiters.add(w);
        });
      }
      return Math.max(...transferIds.map((id) => seen.get(`${type}:${id}`)!));
    },
    /** Median milliseconds of each leg of the transfers' lives, from `since`: request, queue and channel, saga. */
    legs(transferIds: string[], since: number): string {
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      const at = (type: string) => transferIds.map((id) => seen.get(`${type}:${id}`) ?? NaN);
      const [requested, started, completed] = ['TransferRequested', 'TransferStarted', 'TransferCompleted'].map(at);
      const leg = (to: number[], from: number[] | number) =>
        median(to.map((t, i) => t - (typeof from === 'number' ? from : from[i]!)));
      return (
        `asset to requested ${leg(requested!, since)} ms, requested to started ${leg(started!, requested!)} ms, ` +
        `started to completed ${leg(completed!, started!)} ms (medians)`
      );
    },
    stop: () => consumer.stop(),
  };
}

export type TransferWatch = Awaited<ReturnType<typeof watchTransfers>>;
