import type { EventStore } from '../../../events/store/event-store';
import { handleCommand, loadState, commandContext, type CommandMeta } from '../../../events/handle-command';
import { NotFoundError } from '../../../lib/errors';
import { uuidv7 } from '../../../lib/ids';
import type { SubscriptionRule } from './domain/rule';
import { subscriptionDecider, type RulePatch, type SubscriptionCommand } from './domain/subscription';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export type { CommandMeta };

export interface SubscriptionCommandsDeps {
  store: EventStore;
  /** Configured network ids: a rule names only these. */
  networks: readonly string[];
  clock?: () => Date;
}

/**
 * Admin commands on subscriptions, each decided on the subscription's own
 * stream (`subscription-<id>`) against its version: a race is a 409 and a
 * stale `If-Match` a 412, never a lost change.
 */
export function createSubscriptionCommands(deps: SubscriptionCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  const ctx = (meta: CommandMeta) => commandContext(meta, clock);

  async function on(id: string, command: SubscriptionCommand, meta: CommandMeta, expectedVersion?: number) {
    const result = await handleCommand(deps.store, `subscription-${id}`, subscriptionDecider, command, ctx(meta), {
      ...(command.type === 'Create' ? {} : { mustExist: `subscription ${id}` }),
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
    if (result.conflict) throw result.error;
    return { id, version: result.nextVersion, changed: result.events.length > 0 };
  }

  return {
    /** The subscription as its stream says now (a command's answer: the read model may lag). */
    async current(id: string) {
      const state = await loadState(deps.store, `subscription-${id}`, subscriptionDecider);
      if (state.status !== 'active' || !state.rule) throw new NotFoundError(`subscription ${id} does not exist`);
      return { id, ...state.rule, enabled: state.enabled, version: state.version };
    },
    create: (input: SubscriptionRule & { enabled?: boolean }, meta: CommandMeta) => {
      const { enabled, ...rule } = input;
      const subscriptionId = uuidv7(clock().getTime());
      // A new stream: the request's correlation is the subscription's journey, the request its cause.
      return on(
        subscriptionId,
        { type: 'Create', subscriptionId, rule, enabled: enabled ?? true, networks: deps.networks },
        { ...meta, causationId: meta.causationId ?? meta.correlationId },
      );
    },
    change: (id: string, patch: RulePatch, meta: CommandMeta, expectedVersion?: number) =>
      on(id, { type: 'Change', patch, networks: deps.networks }, meta, expectedVersion),
    remove: (id: string, meta: CommandMeta, expectedVersion?: number) =>
      on(id, { type: 'Remove' }, meta, expectedVersion),
  };
}

export type SubscriptionCommands = ReturnType<typeof createSubscriptionCommands>;
