import { isPickEvent, type PickEvent } from '../../../events/catalog/pick-events';
import type { Stored } from '../../../events/catalog/stored';
import type { Decider, StreamState } from '../../../events/decider';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';

/** Items a pick holds at most: a send fetches them all, and one event lists them. */
export const MAX_PICK_ITEMS = 1000;

type SendItem = Extract<PickEvent, { type: 'PickSendAnswered' }>['data']['items'][number];

export interface PickSend {
  sendId: string;
  network: string;
  lane?: 'urgent' | 'normal';
  assetIds: string[];
  sentAt: string;
  /** What the store made of each item; absent until it answered. */
  items?: SendItem[];
}

export interface PickState extends StreamState {
  status: 'none' | 'active' | 'deleted';
  pickId: string;
  owner: string;
  name: string;
  /** In the order they were added. */
  items: string[];
  sends: PickSend[];
  createdAt: string;
  updatedAt: string;
}

/**
 * Every command but Create names who asks (`by`, the actor): a pick is its
 * owner's alone, and anyone else is told it does not exist, so a pick's id
 * says nothing to another user.
 */
export type PickCommand =
  | { type: 'Create'; pickId: string; owner: string; name: string }
  | { type: 'Rename'; by: string; name: string }
  | { type: 'AddItem'; by: string; assetId: string }
  | { type: 'RemoveItem'; by: string; assetId: string }
  | { type: 'Delete'; by: string }
  | { type: 'Send'; by: string; sendId: string; network: string; lane?: 'urgent' | 'normal' };

const initialState = (): PickState => ({
  status: 'none',
  version: 0,
  correlationId: '',
  lastEventId: '',
  pickId: '',
  owner: '',
  name: '',
  items: [],
  sends: [],
  createdAt: '',
  updatedAt: '',
});

function evolve(state: PickState, event: Stored<PickEvent>): PickState {
  const at = event.metadata.occurredAt;
  const next = { ...state, version: event.version, lastEventId: event.id, updatedAt: at };
  switch (event.type) {
    case 'PickCreated': {
      const { pickId, owner, name } = event.data;
      return {
        ...next,
        status: 'active',
        pickId,
        owner,
        name,
        createdAt: at,
        correlationId: event.metadata.correlationId,
      };
    }
    case 'PickRenamed':
      return { ...next, name: event.data.name };
    case 'PickItemAdded':
      return { ...next, items: [...state.items, event.data.assetId] };
    case 'PickItemRemoved':
      return { ...next, items: state.items.filter((id) => id !== event.data.assetId) };
    case 'PickDeleted':
      return { ...next, status: 'deleted' };
    case 'PickSent': {
      const { sendId, network, lane, assetIds } = event.data;
      const send: PickSend = { sendId, network, ...(lane ? { lane } : {}), assetIds, sentAt: at };
      return { ...next, sends: [...state.sends, send] };
    }
    case 'PickSendAnswered':
      // The store's answer is not the owner's change: the pick's own time stays.
      return {
        ...next,
        updatedAt: state.updatedAt,
        sends: state.sends.map((s) => (s.sendId === event.data.sendId ? { ...s, items: event.data.items } : s)),
      };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** The pick as its owner sees it; anyone else (and a deleted pick) is a 404. */
function own(state: PickState, by: string): void {
  if (state.status !== 'active' || state.owner !== by) throw new NotFoundError(`pick ${state.pickId} not found`);
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new ValidationError('name: must be 1 to 200 characters, not only spaces', { field: 'name' });
  }
  return trimmed;
}

function decide(command: PickCommand, state: PickState): PickEvent[] {
  const { pickId } = state;
  switch (command.type) {
    case 'Create': {
      // The id is the caller's: a retried create of the same pick changes nothing.
      if (state.status !== 'none') return [];
      const data = { pickId: command.pickId, owner: command.owner, name: checkName(command.name) };
      return [{ type: 'PickCreated', data }];
    }
    case 'Rename': {
      own(state, command.by);
      const name = checkName(command.name);
      return name === state.name ? [] : [{ type: 'PickRenamed', data: { pickId, name } }];
    }
    case 'AddItem': {
      own(state, command.by);
      if (state.items.includes(command.assetId)) return [];
      if (state.items.length >= MAX_PICK_ITEMS) {
        throw new StateError(`pick ${pickId} holds ${MAX_PICK_ITEMS} items, the most a pick may: make another pick`);
      }
      return [{ type: 'PickItemAdded', data: { pickId, assetId: command.assetId } }];
    }
    case 'RemoveItem':
      own(state, command.by);
      // Taking out what is not there is the outcome asked for already.
      return state.items.includes(command.assetId)
        ? [{ type: 'PickItemRemoved', data: { pickId, assetId: command.assetId } }]
        : [];
    case 'Delete':
      own(state, command.by);
      return [{ type: 'PickDeleted', data: { pickId } }];
    case 'Send': {
      own(state, command.by);
      if (state.sends.some((s) => s.sendId === command.sendId)) return [];
      if (state.items.length === 0) throw new StateError(`pick ${pickId} is empty: add assets before sending it`);
      const { sendId, network, lane } = command;
      return [
        { type: 'PickSent', data: { pickId, sendId, network, ...(lane ? { lane } : {}), assetIds: state.items } },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

export const pickDecider: Decider<PickState, PickCommand, PickEvent> = {
  initialState,
  evolve,
  decide,
  isEvent: isPickEvent,
};
