import type { Decider, StreamState } from '../../events/decider';
import { fold } from '../../events/decider';
import type { Event, EventMetadata, StoredEvent } from '../../events/envelope';
import type { Stored } from '../../events/catalog/stored';
import { stampDecision, type CommandContext } from '../../events/handle-command';
import type { Stamped } from '../../events/stamp';

export interface DeciderSpecOptions {
  /** Stream id of the stored events. @default 'stream-1' */
  streamId?: string;
  /** Envelope of the given events (an event may override it with its own `metadata`). */
  metadata?: Partial<EventMetadata>;
  /** Actor, time and ids the decided events are stamped with, as `handleCommand` would. */
  context?: Partial<CommandContext>;
}

/** A given event: plain, or with parts of its envelope (`actor: 'connector:news'`). */
export type GivenEvent<E extends Event> = E & { metadata?: Partial<EventMetadata> };

const NOW = '2026-11-22T10:00:00.000Z';

/**
 * Given/when/then on a decider (emmett's `DeciderSpecification`):
 *
 *     const spec = deciderSpec(assetDecider);
 *     spec.given([detected, ingested]).when(pass('whitelist')).then([screened]);
 *     spec.given([detected]).when(release).thenThrows(StateError, /not quarantined/);
 *
 * `given` folds the events as the store would hand them over (versions from
 * 1, positions growing); `when` decides lazily, so `thenThrows` sees the throw;
 * `events`, `stamped`, `state` and `history` are there for what `then` does
 * not say (the folded state after the decision, the envelope).
 */
export function deciderSpec<State extends StreamState, Command, E extends Event>(
  decider: Decider<State, Command, E>,
  options: DeciderSpecOptions = {},
) {
  const streamId = options.streamId ?? 'stream-1';
  let seq = 0;
  const context: CommandContext = { actor: 'user:test', now: NOW, newId: () => `id-${++seq}`, ...options.context };

  /** `events` as the store holds them after `already` stored ones. */
  function store(events: ReadonlyArray<GivenEvent<E> | Stored<E>>, already: readonly StoredEvent[] = []): Stored<E>[] {
    return events.map((e, i) => {
      if ('version' in e && typeof e.version === 'number') return e as Stored<E>;
      const given = e as GivenEvent<E>;
      const version = already.length + i + 1;
      return {
        id: `e${version}`,
        streamId,
        version,
        position: BigInt(version),
        type: given.type,
        schemaVersion: 1,
        data: given.data,
        metadata: {
          correlationId: 'corr-1',
          causationId: 'cause-1',
          actor: 'user:test',
          occurredAt: NOW,
          ...options.metadata,
          ...given.metadata,
        },
        prevHash: '',
        hash: '',
        recordedAt: NOW,
      } as Stored<E>;
    });
  }

  function given(history: ReadonlyArray<GivenEvent<E> | Stored<E>> = []) {
    const before = store(history);
    const state = fold(decider, before);
    return {
      /** The state the command is decided on. */
      state,
      /** The given events as stored. */
      history: before,
      when(command: Command) {
        let decided: E[] | undefined;
        const decide = () => (decided ??= decider.decide(command, state));
        return {
          /** The plain events decided. */
          get events(): E[] {
            return decide();
          },
          /** The decided events with their envelope, as `handleCommand` appends them. */
          get stamped(): Array<Stamped<E>> {
            return stampDecision(state, decide(), context);
          },
          /** The given and decided events, as stored after the append. */
          get history(): Stored<E>[] {
            return [...before, ...store(decide(), before)];
          },
          /** The state folded after the decision. */
          get state(): State {
            return fold(decider, [...before, ...store(decide(), before)]);
          },
          then(expected: readonly E[]): void {
            expect(decide()).toEqual(expected);
          },
          thenThrows(error: new (...args: never[]) => Error, message?: string | RegExp): void {
            expect(decide).toThrow(error);
            if (message !== undefined) expect(decide).toThrow(message);
          },
        };
      },
    };
  }

  return { given, store };
}
