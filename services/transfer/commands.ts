import type { ControlEvent } from '../../events/catalog/control-events';
import type { EventStore } from '../../events/store/event-store';
import { handleCommand, loadState, commandContext, type CommandMeta } from '../../events/handle-command';
import { stamp } from '../../events/stamp';
import { NotFoundError, StateError, ValidationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { assetDecider } from '../../domain/asset/decide';
import { requestTransfer, transferIdFor } from './domain/request';
import { transferDecider, type AdminCommand } from './domain/decide';
import type { Lane } from './domain/transfer';
import type { ProgressBoard } from './progress';
import type { LaneInput, NetworkInput, ReprioritizeInput, SendInput } from './routes/schemas';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export type { CommandMeta };

/** Options of a command on one transfer. */
export interface TransferCommandOptions {
  /** The stream version the caller saw (`If-Match`); another one answers 412 (`PreconditionFailedError`). */
  expectedVersion?: number;
}

export interface TransferCommandsDeps {
  store: EventStore;
  progress: ProgressBoard;
  networks: string[];
  clock?: () => Date;
}

/**
 * Operator and admin commands on transfers, networks and lanes. Each is an
 * event with the actor and the request's correlation id; transfer commands
 * append against the stream version, so a race is a 409, never a lost change.
 * Inputs are typed from the route schemas, which validated them (lanes,
 * priorities, bandwidth): the commands check only what a schema cannot say.
 */
export function createTransferCommands(deps: TransferCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const ctx = (meta: CommandMeta) => commandContext(meta, clock);
  /** Control events open or join a stream without an aggregate (a network or lane change). */
  const control = (events: ControlEvent[], meta: CommandMeta) =>
    stamp(events, {
      actor: meta.actor,
      now: clock().toISOString(),
      newId: () => uuidv7(clock().getTime()),
      correlationId: meta.correlationId,
      causationId: meta.causationId ?? meta.correlationId,
    });

  async function onTransfer(
    transferId: string,
    command: AdminCommand,
    meta: CommandMeta,
    options: TransferCommandOptions = {},
  ) {
    const result = await handleCommand(deps.store, `transfer-${transferId}`, transferDecider, command, ctx(meta), {
      mustExist: `transfer ${transferId}`,
      ...options,
    });
    // A race is a 409, never a lost change.
    if (result.conflict) throw result.error;
    return { transferId, version: result.nextVersion };
  }

  const checkNetwork = (network: string) => {
    if (!deps.networks.includes(network)) {
      throw new NotFoundError(`network '${network}' is not configured (known: ${deps.networks.join(', ')})`);
    }
  };

  return {
    /** Moves a waiting transfer to another lane and/or priority; omitted fields keep their value. */
    reprioritize(id: string, input: ReprioritizeInput, meta: CommandMeta, options?: TransferCommandOptions) {
      const { lane, priority } = input;
      if (!lane && !priority) throw new ValidationError('give lane and/or priority', { field: 'body' });
      return onTransfer(
        id,
        { type: 'Reprioritize', ...(lane ? { lane } : {}), ...(priority ? { priority } : {}) },
        meta,
        options,
      );
    },
    async pause(id: string, reason: string | undefined, meta: CommandMeta, options?: TransferCommandOptions) {
      const live = await deps.progress.read([id]);
      return onTransfer(
        id,
        { type: 'Pause', bytesDone: live[id]?.bytesDone ?? 0, ...(reason ? { reason } : {}) },
        meta,
        options,
      );
    },
    resume: (id: string, meta: CommandMeta, options?: TransferCommandOptions) =>
      onTransfer(id, { type: 'Resume' }, meta, options),
    cancel: (id: string, reason: string | undefined, meta: CommandMeta, options?: TransferCommandOptions) =>
      onTransfer(id, { type: 'Cancel', ...(reason ? { reason } : {}) }, meta, options),
    retry: (id: string, reason: string | undefined, meta: CommandMeta, options?: TransferCommandOptions) =>
      onTransfer(id, { type: 'Retry', ...(reason ? { reason } : {}) }, meta, options),

    /**
     * An operator sends a cleared asset to a network by hand. The same asset
     * to the same network is one transfer (a repeat is a no-op answered with
     * the existing transfer), unless `force` asks for another copy. When that
     * transfer was cancelled the answer is a 409 (`StateError`) naming it and
     * `retry`.
     */
    async send(assetId: string, input: SendInput, meta: CommandMeta) {
      checkNetwork(input.network);
      const asset = await loadState(deps.store, `asset-${assetId}`, assetDecider);
      if (asset.version === 0) throw new NotFoundError(`asset ${assetId} does not exist`);
      const transferId = input.force ? uuidv7(clock().getTime()) : transferIdFor(assetId, input.network);
      const request = requestTransfer(asset, {
        target: input.network,
        transferId,
        ...(input.lane === undefined ? {} : { lane: input.lane }),
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...(input.force ? { force: true } : {}),
      });
      const result = await handleCommand(
        deps.store,
        `transfer-${transferId}`,
        transferDecider,
        { type: 'Request', request },
        { ...ctx(meta), causationId: meta.causationId ?? meta.correlationId },
      );
      const created = !result.conflict && result.events.length > 0;
      // A cancellation was someone's decision: a plain send does not quietly answer with the dead task,
      // nor undo the cancel; it says which transfer it was and how to send it again.
      if (!created && (await loadState(deps.store, `transfer-${transferId}`, transferDecider)).status === 'cancelled') {
        throw new StateError(
          `asset ${assetId} was sent to '${input.network}' as transfer ${transferId}, which was cancelled: ` +
            `retry it (POST /v1/transfers/${transferId}/retry, mxhub tasks retry ${transferId}) or send another copy with force`,
          { transferId, status: 'cancelled' },
        );
      }
      // Requested before (or by a concurrent send): the existing transfer is the answer.
      return { transferId, created };
    },

    async setNetwork(network: string, input: NetworkInput, meta: CommandMeta) {
      checkNetwork(network);
      const events: ControlEvent[] = [];
      if (input.paused === true)
        events.push({ type: 'NetworkPaused', data: { network, ...(input.reason ? { reason: input.reason } : {}) } });
      if (input.paused === false) events.push({ type: 'NetworkResumed', data: { network } });
      if (input.bandwidthMbps !== undefined)
        events.push({ type: 'NetworkBandwidthSet', data: { network, bandwidthMbps: input.bandwidthMbps } });
      if (events.length === 0) throw new ValidationError('give paused and/or bandwidthMbps', { field: 'body' });
      await deps.store.append(`network-${network}`, control(events, meta), 'any');
      return { network, ...input };
    },

    async configureLane(lane: Lane, input: LaneInput, meta: CommandMeta) {
      if (input.channels === undefined && input.bandwidthMbps === undefined) {
        throw new ValidationError('give channels and/or bandwidthMbps', { field: 'body' });
      }
      const configured = { type: 'LaneConfigured' as const, data: { lane, ...input } };
      await deps.store.append(`lane-${lane}`, control([configured], meta), 'any');
      return { lane, ...input };
    },
  };
}

export type TransferCommands = ReturnType<typeof createTransferCommands>;
