import { ConcurrencyError, NotFoundError, PreconditionFailedError } from '../lib/errors';
import { uuidv7 } from '../lib/ids';
import type { Event, NewEvent, StoredEvent } from './envelope';
import type { AppendResult, EventStore } from './store/event-store';
import { fold, type Decider, type Evolver, type StreamState } from './decider';
import { stamp } from './stamp';

/** Who asks and when; ids and time come from outside so that `decide` stays pure. */
export interface CommandContext {
  actor: string;
  /** ISO-8601 time the events happen. */
  now: string;
  newId: () => string;
  /** @default the stream's journey (`state.correlationId`) */
  correlationId?: string;
  /** @default the stream's last event (`state.lastEventId`) */
  causationId?: string;
}

/** Who asks a command, as a route or a consumer knows it: the actor and the journey it belongs to. */
export interface CommandMeta {
  actor: string;
  correlationId: string;
  causationId?: string;
}

/** The context of a command asked now (`clock()`): new ids are UUIDv7 of that time. */
export function commandContext(meta: CommandMeta, clock: () => Date): CommandContext {
  return {
    actor: meta.actor,
    now: clock().toISOString(),
    newId: () => uuidv7(clock().getTime()),
    correlationId: meta.correlationId,
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
  };
}

export interface HandleCommandOptions<State> {
  /**
   * The version the caller decided against (an HTTP `If-Match`). When the
   * stream is at another version, before or at the append, the command
   * throws `PreconditionFailedError` (412) instead of deciding.
   */
  expectedVersion?: number;
  /**
   * A state the caller folded already and acted on (a process manager that
   * did I/O on it): the stream is not read again and the append expects
   * `state.version`, so a writer that got there first is a conflict.
   */
  state?: State;
  /** Names the subject (`asset <id>`) of a command that needs an existing stream: an empty one throws `NotFoundError`. */
  mustExist?: string;
  /** Runs after `decide`, before the append, when there are events (move files the events will speak of). */
  beforeAppend?: (state: State, events: readonly NewEvent[]) => Promise<void>;
}

export type CommandResult<State> =
  | {
      conflict: false;
      /** The state the command was decided on. */
      state: State;
      /** The state after the command: `state` with what was appended folded in (a writer acting again needs no read). */
      after: State;
      /** What was appended; empty when the command changed nothing (no append). */
      events: NewEvent[];
      /** Stream version after the command. */
      nextVersion: number;
    }
  | {
      /** Another writer appended between the read and the append: read again and decide again. */
      conflict: true;
      /** The store's error, for callers that answer it (409, retryable). */
      error: ConcurrencyError;
    };

/**
 * Folds events this writer just appended into `state`, as reading them back
 * would. The writer knows each event's id, type, data, metadata and version;
 * positions, hashes and the commit time it does not (only the last position),
 * which is why `evolve` folds by version and envelope, never by those.
 */
function evolveAppended<State extends StreamState, E extends Event>(
  decider: Evolver<State, E>,
  state: State,
  streamId: string,
  events: readonly NewEvent[],
  appended: AppendResult,
): State {
  const first = appended.nextVersion - events.length + 1;
  const stored: StoredEvent[] = events.map((e, i) => ({
    ...e,
    streamId,
    version: first + i,
    position: appended.lastPosition,
    schemaVersion: e.schemaVersion ?? 1,
    prevHash: '',
    hash: '',
    recordedAt: e.metadata.occurredAt,
  }));
  return fold(decider, stored, state);
}

/** Reads a stream and folds it with the decider (for reads that decide nothing). */
export async function loadState<State extends StreamState, E extends Event>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, never, E>,
): Promise<State> {
  return fold(decider, await store.readStream(streamId));
}

/** Stamps what was decided on `state`: the journey and the cause default to the stream's own. */
export function stampDecision<E extends Event>(state: StreamState, decided: readonly E[], context: CommandContext) {
  return stamp(decided, {
    actor: context.actor,
    now: context.now,
    newId: context.newId,
    correlationId: context.correlationId ?? state.correlationId,
    causationId: context.causationId ?? state.lastEventId,
  });
}

/**
 * The one way a command becomes events: read the stream and fold it, decide,
 * stamp the envelope (`stamp`), append with the folded version as expected
 * version. A decision with no events appends nothing.
 *
 * Conflicts are returned, not thrown (`{conflict: true, error}`): process
 * managers reload and look again, HTTP commands throw `error` (a 409). A
 * stale `options.expectedVersion` throws `PreconditionFailedError`; a
 * refused command throws what `decide` throws.
 */
export async function handleCommand<State extends StreamState, Command, E extends Event>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, E>,
  command: Command,
  context: CommandContext,
  options: HandleCommandOptions<State> = {},
): Promise<CommandResult<State>> {
  const state = options.state ?? (await loadState(store, streamId, decider));
  if (options.mustExist !== undefined && state.version === 0) {
    throw new NotFoundError(`${options.mustExist} does not exist`);
  }
  const { expectedVersion } = options;
  if (expectedVersion !== undefined && expectedVersion !== state.version) {
    throw new PreconditionFailedError(streamId, expectedVersion, state.version);
  }
  const decided = decider.decide(command, state);
  if (decided.length === 0) return { conflict: false, state, after: state, events: [], nextVersion: state.version };
  const events: NewEvent[] = stampDecision(state, decided, context);
  await options.beforeAppend?.(state, events);
  try {
    const appended = await store.append(streamId, events, state.version);
    const after = evolveAppended(decider, state, streamId, events, appended);
    return { conflict: false, state, after, events, nextVersion: appended.nextVersion };
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    if (expectedVersion !== undefined) throw new PreconditionFailedError(streamId, expectedVersion, err.actual);
    return { conflict: true, error: err };
  }
}
