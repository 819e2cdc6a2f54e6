import type { Logger } from 'pino';
import type { StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import { ConcurrencyError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { foldAsset } from '../../domain/asset/asset';
import { requestTransfer, transferIdFor } from './domain/request';

export interface TransferRequesterDeps {
  store: EventStore;
  logger: Logger;
  clock?: () => Date;
}

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
    let requested = 0;
    for (const target of state.targets) {
      const transferId = transferIdFor(assetId, target);
      const event = {
        id: uuidv7(clock().getTime()),
        type: 'TransferRequested',
        data: requestTransfer(state, { target, transferId }),
        metadata: {
          correlationId: state.correlationId,
          causationId: cleared.id,
          actor: 'service:transfer',
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
