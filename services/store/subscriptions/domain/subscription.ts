import { isSubscriptionEvent, type SubscriptionEvent } from '../../../../events/catalog/subscription-events';
import type { Stored } from '../../../../events/catalog/stored';
import type { Decider, StreamState } from '../../../../events/decider';
import { StateError } from '../../../../lib/errors';
import { checkRule, type SubscriptionRule } from './rule';

export interface SubscriptionState extends StreamState {
  status: 'none' | 'active' | 'removed';
  subscriptionId: string;
  enabled: boolean;
  rule?: SubscriptionRule;
}

/** A rule's optional parts; in a change, null takes one away. */
type Optional = 'from' | 'match' | 'lane' | 'priority';
export type RulePatch = { network?: string; enabled?: boolean } & {
  [K in Optional]?: SubscriptionRule[K] | null;
};

/** Commands carry the configured networks, so the rule is checked here without I/O. */
export type SubscriptionCommand =
  | { type: 'Create'; subscriptionId: string; rule: SubscriptionRule; enabled: boolean; networks: readonly string[] }
  | { type: 'Change'; patch: RulePatch; networks: readonly string[] }
  | { type: 'Remove' };

const initialState = (): SubscriptionState => ({
  status: 'none',
  version: 0,
  correlationId: '',
  lastEventId: '',
  subscriptionId: '',
  enabled: false,
});

/** The rule's fields in a fixed order with absent ones left out, so two rules compare by JSON. */
export function ruleOf(data: SubscriptionRule): SubscriptionRule {
  const { network, from, match, lane, priority } = data;
  return {
    network,
    ...(from !== undefined ? { from } : {}),
    ...(match !== undefined ? { match } : {}),
    ...(lane !== undefined ? { lane } : {}),
    ...(priority !== undefined ? { priority } : {}),
  };
}

function evolve(state: SubscriptionState, event: Stored<SubscriptionEvent>): SubscriptionState {
  const next = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'SubscriptionCreated':
      return {
        ...next,
        status: 'active',
        subscriptionId: event.data.subscriptionId,
        enabled: event.data.enabled,
        rule: ruleOf(event.data),
        correlationId: event.metadata.correlationId,
      };
    case 'SubscriptionChanged':
      return { ...next, rule: ruleOf(event.data) };
    case 'SubscriptionDisabled':
      return { ...next, enabled: false };
    case 'SubscriptionEnabled':
      return { ...next, enabled: true };
    case 'SubscriptionRemoved':
      return { ...next, status: 'removed', enabled: false };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

function applyPatch(rule: SubscriptionRule, patch: RulePatch): SubscriptionRule {
  const merged: Record<string, unknown> = { ...rule };
  for (const key of ['network', 'from', 'match', 'lane', 'priority'] as const) {
    const value = patch[key];
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return ruleOf(merged as SubscriptionRule);
}

function decide(command: SubscriptionCommand, state: SubscriptionState): SubscriptionEvent[] {
  switch (command.type) {
    case 'Create': {
      // The id is the caller's: asking again with the same id and rule (a retried request) changes nothing.
      if (state.status !== 'none') return [];
      const rule = ruleOf(command.rule);
      checkRule(rule, command.networks);
      const subscriptionId = command.subscriptionId;
      return [{ type: 'SubscriptionCreated', data: { subscriptionId, ...rule, enabled: command.enabled } }];
    }
    case 'Change': {
      if (state.status === 'removed' || !state.rule) {
        throw new StateError(`subscription ${state.subscriptionId} was removed`, {
          subscriptionId: state.subscriptionId,
        });
      }
      const { subscriptionId } = state;
      const rule = applyPatch(state.rule, command.patch);
      const events: SubscriptionEvent[] = [];
      if (JSON.stringify(rule) !== JSON.stringify(state.rule)) {
        checkRule(rule, command.networks);
        events.push({ type: 'SubscriptionChanged', data: { subscriptionId, ...rule } });
      }
      const { enabled } = command.patch;
      if (enabled !== undefined && enabled !== state.enabled) {
        events.push({ type: enabled ? 'SubscriptionEnabled' : 'SubscriptionDisabled', data: { subscriptionId } });
      }
      return events;
    }
    case 'Remove':
      // Removing twice is the same outcome: nothing more to record.
      return state.status === 'removed'
        ? []
        : [{ type: 'SubscriptionRemoved', data: { subscriptionId: state.subscriptionId } }];
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

export const subscriptionDecider: Decider<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  initialState,
  evolve,
  decide,
  isEvent: isSubscriptionEvent,
};
