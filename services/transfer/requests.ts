import type { Logger } from 'pino';
import type { StoredEvent } from '../../events/envelope';
import type { DataOf } from '../../events/catalog/define';
import { AssetCleared } from '../../events/catalog/asset-events';
import { FetchRequested, RepairRequested } from '../../events/catalog/replica-events';
import { SubscriptionMatched } from '../../events/catalog/subscription-events';
import { isEvent } from '../../events/catalog/stored';
import type { EventStore } from '../../events/store/event-store';
import { handleCommand } from '../../events/handle-command';
import { uuidv7 } from '../../lib/ids';
import { foldAsset, goingTargets } from '../../domain/asset/asset';
import { transferDecider } from './domain/decide';
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
    // A target whose policy refused the asset (AssetRefused, before the clearing) is not asked for.
    for (const target of goingTargets(state)) {
      const transferId = transferIdFor(assetId, target);
      const result = await handleCommand(
        deps.store,
        `transfer-${transferId}`,
        transferDecider,
        { type: 'Request', request: requestTransfer(state, { target, transferId }) },
        {
          actor: 'service:transfer',
          now: clock().toISOString(),
          newId: () => uuidv7(clock().getTime()),
          correlationId: state.correlationId,
          causationId: cleared.id,
        },
        // A request opens its stream: decided on the empty stream, so no read; one that exists is a conflict.
        { state: transferDecider.initialState() },
      );
      // Requested before, or by a concurrent requester: nothing to do.
      if (result.conflict || result.events.length === 0) continue;
      requested += 1;
      deps.logger.info({ assetId, transferId, target, correlationId: state.correlationId }, 'transfer requested');
    }
    return requested;
  }

  /**
   * A subscription took the asset (its event on the asset's stream): one
   * transfer to the subscribed network, with the rule's lane and priority.
   * The id is the asset's and network's, as for a target of the drop, so an
   * asset already bound there (a target, an earlier match) is not sent twice.
   */
  async function requestMatched(matched: StoredEvent<'SubscriptionMatched', DataOf<typeof SubscriptionMatched>>) {
    const { assetId, network, lane, priority } = matched.data;
    const state = foldAsset(await deps.store.readStream(`asset-${assetId}`));
    if (state.status !== 'cleared' || network === state.sourceNetwork || network in state.refused) return false;
    const transferId = transferIdFor(assetId, network);
    const result = await handleCommand(
      deps.store,
      `transfer-${transferId}`,
      transferDecider,
      { type: 'Request', request: requestTransfer(state, { target: network, transferId, lane, priority }) },
      {
        actor: 'service:transfer',
        now: clock().toISOString(),
        newId: () => uuidv7(clock().getTime()),
        correlationId: state.correlationId,
        causationId: matched.id,
      },
    );
    if (result.conflict || result.events.length === 0) return false;
    deps.logger.info(
      { assetId, transferId, target: network, correlationId: state.correlationId },
      'transfer requested',
    );
    return true;
  }

  /**
   * A network asked for the asset on its node (the store's fetch): one
   * transfer, with the id the store derived and told its caller, from the
   * replica the store chose into the network's `cache/`. A second ask with
   * the same id finds the stream and requests nothing.
   */
  async function requestFetched(fetched: StoredEvent<'FetchRequested', DataOf<typeof FetchRequested>>) {
    const { assetId, network, transferId, sourceNetwork, sourcePath, lane, priority } = fetched.data;
    const state = foldAsset(await deps.store.readStream(`asset-${assetId}`));
    if (state.status !== 'cleared') return false;
    // A network whose policy refused the asset takes no copy of it, not even an evictable one.
    const refusal = state.refused[network];
    if (refusal) {
      deps.logger.warn(
        { assetId, transferId, target: network, rule: refusal.rule },
        `fetch not made: '${network}' refused the asset (${refusal.rule}: ${refusal.reason})`,
      );
      return false;
    }
    const fetchFrom = { network: sourceNetwork, path: sourcePath };
    const result = await handleCommand(
      deps.store,
      `transfer-${transferId}`,
      transferDecider,
      { type: 'Request', request: requestTransfer(state, { target: network, transferId, lane, priority, fetchFrom }) },
      {
        actor: 'service:transfer',
        now: clock().toISOString(),
        newId: () => uuidv7(clock().getTime()),
        correlationId: fetched.metadata.correlationId,
        causationId: fetched.id,
      },
    );
    if (result.conflict || result.events.length === 0) return false;
    deps.logger.info({ assetId, transferId, target: network, source: sourceNetwork }, 'fetch transfer requested');
    return true;
  }

  /**
   * The store found a replica missing or corrupt and chose a good one to
   * copy from: one transfer, under the id the store derived, that writes the
   * copy at the damaged replica's own path (urgent lane, reason `repair`).
   * An asset no longer cleared (deleted since) is not repaired.
   */
  async function requestRepair(repair: StoredEvent<'RepairRequested', DataOf<typeof RepairRequested>>) {
    const { assetId, network, path, transferId, sourceNetwork, sourcePath, sha256, sizeBytes } = repair.data;
    const state = foldAsset(await deps.store.readStream(`asset-${assetId}`));
    if (state.status !== 'cleared') return false;
    const fetchFrom = { network: sourceNetwork, path: sourcePath };
    const result = await handleCommand(
      deps.store,
      `transfer-${transferId}`,
      transferDecider,
      {
        type: 'Request',
        request: requestTransfer(state, {
          target: network,
          transferId,
          fetchFrom,
          restorePath: path,
          ...(sha256 !== undefined && sizeBytes !== undefined ? { bytes: { sha256, sizeBytes } } : {}),
        }),
      },
      {
        actor: 'service:transfer',
        now: clock().toISOString(),
        newId: () => uuidv7(clock().getTime()),
        correlationId: repair.metadata.correlationId,
        causationId: repair.id,
      },
    );
    if (result.conflict || result.events.length === 0) return false;
    deps.logger.info(
      { assetId, transferId, target: network, path, source: sourceNetwork },
      'repair transfer requested',
    );
    return true;
  }

  /**
   * Fetches and repairs the store asked for since `since` (ISO-8601) whose
   * transfer was never requested: the embedded backbone keeps no offsets, so
   * a request a crash cut off between its append and its handling is found
   * here. Idempotent by the transfer id the store derived; resolves with how
   * many were asked again.
   */
  async function requestLost(since: string): Promise<number> {
    let requested = 0;
    for (const e of await deps.store.readAll({ types: ['FetchRequested', 'RepairRequested'], from: since })) {
      const { transferId } = e.data as { transferId: string };
      if ((await deps.store.streamVersion(`transfer-${transferId}`)) > 0) continue;
      if (isEvent(FetchRequested, e) && (await requestFetched(e))) requested += 1;
      if (isEvent(RepairRequested, e) && (await requestRepair(e))) requested += 1;
    }
    return requested;
  }

  return {
    request,
    requestMatched,
    requestFetched,
    requestRepair,
    requestLost,
    /** Backbone handler: reacts to AssetCleared, a SubscriptionMatched, a FetchRequested and a RepairRequested. */
    async handle(event: StoredEvent): Promise<void> {
      if (isEvent(AssetCleared, event)) await request(event.data.assetId, event);
      if (isEvent(SubscriptionMatched, event)) await requestMatched(event);
      if (isEvent(FetchRequested, event)) await requestFetched(event);
      if (isEvent(RepairRequested, event)) await requestRepair(event);
    },
  };
}

export type TransferRequester = ReturnType<typeof createTransferRequester>;
