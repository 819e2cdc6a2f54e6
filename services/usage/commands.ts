import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../../events/store/event-store';
import { handleCommand, loadState, commandContext, type CommandMeta } from '../../events/handle-command';
import { NotFoundError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import { pickDecider, type PickCommand, type PickSend, type PickState } from './domain/pick';
import { usageMarkDecider, type RecordUsage } from './domain/usage-mark';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export type { CommandMeta };

export interface UsageCommandsDeps {
  store: EventStore;
  clock?: () => Date;
}

/** A mark is appended against the asset's head; busy streams (a transfer's replicas) may move meanwhile. */
const MARK_ATTEMPTS = 5;

/**
 * Commands on picks (each on its own stream, `pick-<id>`, decided against
 * its version) and usage marks (on the asset's stream). The pick's owner is
 * the actor who made it; the decider refuses everyone else as not found.
 */
export function createUsageCommands(deps: UsageCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const ctx = (meta: CommandMeta) => commandContext(meta, clock);

  async function onPick(id: string, command: PickCommand, meta: CommandMeta, expectedVersion?: number) {
    const result = await handleCommand(deps.store, `pick-${id}`, pickDecider, command, ctx(meta), {
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
    if (result.conflict) throw result.error;
    return { state: result.after, events: result.events };
  }

  return {
    /** The pick as its stream says now, if `actor` may see it (its owner, or any admin with `anyOwner`). */
    async pick(id: string, actor: string, options: { anyOwner?: boolean } = {}): Promise<PickState> {
      const state = await loadState(deps.store, `pick-${id}`, pickDecider);
      if (state.status !== 'active' || (state.owner !== actor && !options.anyOwner)) {
        throw new NotFoundError(`pick ${id} not found`);
      }
      return state;
    },
    async create(name: string, meta: CommandMeta): Promise<PickState> {
      const pickId = uuidv7(clock().getTime());
      // A new stream: the request's correlation is the pick's journey, the request its cause.
      const command: PickCommand = { type: 'Create', pickId, owner: meta.actor, name };
      return (await onPick(pickId, command, { ...meta, causationId: meta.causationId ?? meta.correlationId })).state;
    },
    rename: (id: string, name: string, meta: CommandMeta, expectedVersion?: number) =>
      onPick(id, { type: 'Rename', by: meta.actor, name }, meta, expectedVersion),
    addItem: (id: string, assetId: string, meta: CommandMeta) =>
      onPick(id, { type: 'AddItem', by: meta.actor, assetId }, meta),
    removeItem: (id: string, assetId: string, meta: CommandMeta) =>
      onPick(id, { type: 'RemoveItem', by: meta.actor, assetId }, meta),
    remove: (id: string, meta: CommandMeta, expectedVersion?: number) =>
      onPick(id, { type: 'Delete', by: meta.actor }, meta, expectedVersion),
    /** Records `PickSent` with a new send id; the store answers it on the pick's stream. */
    async send(id: string, input: { network: string; lane?: 'urgent' | 'normal' }, meta: CommandMeta) {
      const sendId = uuidv7(clock().getTime());
      const command: PickCommand = { type: 'Send', by: meta.actor, sendId, ...input };
      const { state } = await onPick(id, command, meta);
      return { sendId, state };
    },
    /**
     * The send as the pick's stream says, once the store answered it or
     * `waitMs` passed (then without its items' outcomes): a send's answer
     * comes from the store's consumer, a moment after the request.
     */
    async answer(id: string, sendId: string, waitMs: number): Promise<PickSend | undefined> {
      const deadline = clock().getTime() + waitMs;
      for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
        const state = await loadState(deps.store, `pick-${id}`, pickDecider);
        const send = state.sends.find((s) => s.sendId === sendId);
        const left = deadline - clock().getTime();
        if (send?.items || left <= 0) return send;
        await sleep(Math.min(pause, left));
      }
    },

    /** `AssetUsed` on the asset's stream, the user being the actor. */
    async markUsage(input: Omit<RecordUsage, 'type'>, meta: CommandMeta): Promise<{ markId: string }> {
      const stream = `asset-${input.assetId}`;
      for (let attempt = 1; ; attempt++) {
        const result = await handleCommand(
          deps.store,
          stream,
          usageMarkDecider,
          { type: 'RecordUsage', ...input },
          { ...ctx(meta), causationId: meta.causationId ?? meta.correlationId },
        );
        // Another writer appended to the asset between the read and the append: a mark depends on nothing it
        // wrote, so decide again against the new head.
        if (!result.conflict) return { markId: result.events[0]!.id };
        if (attempt === MARK_ATTEMPTS) throw result.error;
      }
    },
  };
}

export type UsageCommands = ReturnType<typeof createUsageCommands>;
