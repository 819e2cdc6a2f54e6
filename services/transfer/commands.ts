import type { NewEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import { ConcurrencyError, NotFoundError, ValidationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { foldAsset } from '../../domain/asset/asset';
import { requestTransfer, transferIdFor } from './domain/request';
import { decide, type AdminCommand } from './domain/decide';
import { foldTransfer, type Lane } from './domain/transfer';
import type { ProgressBoard } from './progress';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export interface CommandMeta {
  actor: string;
  correlationId: string;
  causationId?: string;
}

export interface TransferCommandsDeps {
  store: EventStore;
  progress: ProgressBoard;
  networks: string[];
  clock?: () => Date;
}

const LANES: Lane[] = ['urgent', 'normal'];

function checkPriority(priority: unknown): number {
  if (!Number.isInteger(priority) || (priority as number) < 1 || (priority as number) > 10) {
    throw new ValidationError(`priority: must be a whole number from 1 (highest) to 10, got ${String(priority)}`, {
      field: 'priority',
    });
  }
  return priority as number;
}

function checkLane(lane: unknown): Lane {
  if (!LANES.includes(lane as Lane)) {
    throw new ValidationError(`lane: must be 'urgent' or 'normal', got '${String(lane)}'`, { field: 'lane' });
  }
  return lane as Lane;
}

/**
 * Operator and admin commands on transfers, networks and lanes. Each is an
 * event with the actor and the request's correlation id; transfer commands
 * append against the stream version, so a race is a 409, never a lost change.
 */
export function createTransferCommands(deps: TransferCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const ctx = (meta: CommandMeta) => ({
    actor: meta.actor,
    now: clock().toISOString(),
    newId: () => uuidv7(clock().getTime()),
    correlationId: meta.correlationId,
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
  });
  /** An event that opens or joins a stream without an aggregate (a request, a network or lane change). */
  const event = (type: string, data: Record<string, unknown>, meta: CommandMeta): NewEvent => ({
    id: uuidv7(clock().getTime()),
    type,
    data,
    metadata: {
      correlationId: meta.correlationId,
      causationId: meta.causationId ?? meta.correlationId,
      actor: meta.actor,
      occurredAt: clock().toISOString(),
    },
  });

  async function onTransfer(transferId: string, command: AdminCommand, meta: CommandMeta) {
    const state = foldTransfer(await deps.store.readStream(`transfer-${transferId}`));
    if (state.version === 0) throw new NotFoundError(`transfer ${transferId} does not exist`);
    const events = decide(command, state, ctx(meta));
    if (events.length === 0) return { transferId, version: state.version };
    const result = await deps.store.append(`transfer-${transferId}`, events, state.version);
    return { transferId, version: result.nextVersion };
  }

  const checkNetwork = (network: string) => {
    if (!deps.networks.includes(network)) {
      throw new NotFoundError(`network '${network}' is not configured (known: ${deps.networks.join(', ')})`);
    }
  };

  return {
    /** Moves a waiting transfer to another lane and/or priority; omitted fields keep their value. */
    async reprioritize(id: string, input: { lane?: unknown; priority?: unknown }, meta: CommandMeta) {
      const lane = input.lane === undefined ? undefined : checkLane(input.lane);
      const priority = input.priority === undefined ? undefined : checkPriority(input.priority);
      if (!lane && !priority) throw new ValidationError('give lane and/or priority', { field: 'body' });
      const current = foldTransfer(await deps.store.readStream(`transfer-${id}`));
      return onTransfer(
        id,
        { type: 'Reprioritize', lane: lane ?? current.lane, priority: priority ?? current.priority },
        meta,
      );
    },
    async pause(id: string, reason: string | undefined, meta: CommandMeta) {
      const live = await deps.progress.read([id]);
      return onTransfer(
        id,
        { type: 'Pause', bytesDone: live[id]?.bytesDone ?? 0, ...(reason ? { reason } : {}) },
        meta,
      );
    },
    resume: (id: string, meta: CommandMeta) => onTransfer(id, { type: 'Resume' }, meta),
    cancel: (id: string, reason: string | undefined, meta: CommandMeta) =>
      onTransfer(id, { type: 'Cancel', ...(reason ? { reason } : {}) }, meta),
    retry: (id: string, reason: string | undefined, meta: CommandMeta) =>
      onTransfer(id, { type: 'Retry', ...(reason ? { reason } : {}) }, meta),

    /**
     * An operator sends a cleared asset to a network by hand. The same asset
     * to the same network is one transfer (a repeat is a no-op answered with
     * the existing transfer), unless `force` asks for another copy.
     */
    async send(
      assetId: string,
      input: { network: string; lane?: unknown; priority?: unknown; force?: boolean },
      meta: CommandMeta,
    ) {
      checkNetwork(input.network);
      const asset = foldAsset(await deps.store.readStream(`asset-${assetId}`));
      if (asset.version === 0) throw new NotFoundError(`asset ${assetId} does not exist`);
      const transferId = input.force ? uuidv7(clock().getTime()) : transferIdFor(assetId, input.network);
      const requested = event(
        'TransferRequested',
        requestTransfer(asset, {
          target: input.network,
          transferId,
          ...(input.lane === undefined ? {} : { lane: checkLane(input.lane) }),
          ...(input.priority === undefined ? {} : { priority: checkPriority(input.priority) }),
          ...(input.force ? { force: true } : {}),
        }),
        meta,
      );
      try {
        await deps.store.append(`transfer-${transferId}`, [requested], 'no_stream');
        return { transferId, created: true };
      } catch (err) {
        if (err instanceof ConcurrencyError) return { transferId, created: false };
        throw err;
      }
    },

    async setNetwork(
      network: string,
      input: { paused?: boolean; reason?: string; bandwidthMbps?: number | null },
      meta: CommandMeta,
    ) {
      checkNetwork(network);
      const events: NewEvent[] = [];
      if (input.paused === true)
        events.push(event('NetworkPaused', { network, ...(input.reason ? { reason: input.reason } : {}) }, meta));
      if (input.paused === false) events.push(event('NetworkResumed', { network }, meta));
      if (input.bandwidthMbps !== undefined)
        events.push(event('NetworkBandwidthSet', { network, bandwidthMbps: input.bandwidthMbps }, meta));
      if (events.length === 0) throw new ValidationError('give paused and/or bandwidthMbps', { field: 'body' });
      await deps.store.append(`network-${network}`, events, 'any');
      return { network, ...input };
    },

    async configureLane(lane: string, input: { channels?: number; bandwidthMbps?: number | null }, meta: CommandMeta) {
      checkLane(lane);
      if (input.channels === undefined && input.bandwidthMbps === undefined) {
        throw new ValidationError('give channels and/or bandwidthMbps', { field: 'body' });
      }
      await deps.store.append(`lane-${lane}`, [event('LaneConfigured', { lane, ...input }, meta)], 'any');
      return { lane, ...input };
    },
  };
}

export type TransferCommands = ReturnType<typeof createTransferCommands>;
