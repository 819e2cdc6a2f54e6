import type { Event, StoredEvent } from './envelope';
import type { Stored } from './catalog/stored';

/** What `handleCommand` needs of a folded state: the version to append against and the envelope's defaults. */
export interface StreamState {
  /** Stream version the state was folded up to: the expected version of the next append. */
  version: number;
  /** The journey of the stream (its first event's correlation id). */
  correlationId: string;
  /** The id of the stream's last event: what a command on it is caused by unless the caller says otherwise. */
  lastEventId: string;
}

/**
 * An aggregate as three pure functions (emmett's decider): `decide` says what
 * a command means for a state as plain `{type, data}` events, or throws
 * (`StateError`) when the state does not allow it; `evolve` folds one of its
 * stored events into the state; `initialState` is the state of an empty
 * stream. No I/O, no clock, no ids: those come in with the command's context.
 */
export interface Decider<State extends StreamState, Command, E extends Event> extends Evolver<State, E> {
  decide: (command: Command, state: State) => E[];
}

/** The folding half of a decider: what reading a stream into a state needs. */
export interface Evolver<State extends StreamState, E extends Event> {
  initialState: () => State;
  evolve: (state: State, event: Stored<E>) => State;
  /** Narrows a stored event to the aggregate's event union (by its catalog type). */
  isEvent: (event: StoredEvent) => event is Stored<E>;
}

/**
 * Folds a stream (or the events after `from`) into the decider's state. An event of another type (none
 * is appended to an aggregate's stream today) only moves the version, so the
 * expected version stays the stream's.
 */
export function fold<State extends StreamState, E extends Event>(
  decider: Evolver<State, E>,
  events: readonly StoredEvent[],
  from: State = decider.initialState(),
): State {
  return events.reduce(
    (state, event) =>
      decider.isEvent(event)
        ? decider.evolve(state, event)
        : { ...state, version: event.version, lastEventId: event.id },
    from,
  );
}
