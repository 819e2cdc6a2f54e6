import type { Logger } from 'pino';
import type { StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import { ConcurrencyError } from '../../lib/errors';
import { uuidFromName, uuidv7 } from '../../lib/ids';
import { foldAsset } from './domain/asset';

export interface TransferRequesterDeps {
  store: EventStore;
  logger: Logger;
  clock?: () => Date;
}

/** Transfer of one asset to one target: the same id however often it is asked for. */
export const transferIdFor = (assetId: string, target: string) => uuidFromName(`transfer:${assetId}:${target}`);

/**
 * Transfer priorities run 1 (highest) to 10; sidecar priorities the other way
 * round, 1 (lowest) to 10 (highest). The two highest travel in the urgent lane.
 */
const URGENT_UP_TO = 2;
const DEFAULT_PRIORITY = 5;
export const transferPriority = (sidecarPriority: number | undefined) =>
  sidecarPriority === undefined ? DEFAULT_PRIORITY : 11 - sidecarPriority;

/**
 * What a cleared asset yields: one TransferRequested per target, each the
 * first event of its own `transfer-<id>` stream. The id is derived from the
 * asset and target and the append expects `no_stream`, so asking twice (a
 * redelivered AssetCleared, the sweep at start) requests once.
 */
export function createTransferRequester(deps: TransferRequesterDeps) {
  const clock = deps.clock ?? (() => new Date());

  async function request(assetId: string, cause?: StoredEvent): Promise<number> {
    const events = await deps.store.readStream(`asset-${assetId}`);
    const state = foldAsset(events);
    if (state.status !== 'cleared') return 0;
    const cleared = cause ?? [...events].reverse().find((e) => e.type === 'AssetCleared')!;
    const priority = transferPriority(state.sidecarPriority);
    let requested = 0;
    for (const target of state.targets) {
      const transferId = transferIdFor(assetId, target);
      const event = {
        id: uuidv7(clock().getTime()),
        type: 'TransferRequested',
        data: {
          transferId,
          assetId,
          sourceNetwork: state.sourceNetwork,
          targetNetwork: target,
          lane: priority <= URGENT_UP_TO ? 'urgent' : 'normal',
          priority,
          sizeBytes: state.sizeBytes,
          sha256: state.sha256,
        },
        metadata: {
          correlationId: state.correlationId,
          causationId: cleared.id,
          actor: 'service:screening',
          occurredAt: clock().toISOString(),
        },
      };
      try {
        await deps.store.append(`transfer-${transferId}`, [event], 'no_stream');
        requested += 1;
        deps.logger.info({ assetId, transferId, target, correlationId: state.correlationId }, 'transfer requested');
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
      }
    }
    return requested;
  }

  return {
    request,
    /** Backbone handler: reacts to AssetCleared. */
    async handle(event: StoredEvent): Promise<void> {
      if (event.type === 'AssetCleared') await request((event.data as { assetId: string }).assetId, event);
    },
  };
}

export type TransferRequester = ReturnType<typeof createTransferRequester>;
