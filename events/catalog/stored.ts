import type { Event, StoredEvent } from '../envelope';
import type { DataOf, EventDefinition, EventsOf } from './define';

/**
 * A stored event typed by its domain event: `Stored<AssetEvent>` is the union
 * of `StoredEvent<'AssetDetected', {...}> | ...`, so a `switch (event.type)`
 * narrows `event.data` without casts. The store validates data against the
 * catalog on append and upcasts it on read, which is what makes the type true.
 */
export type Stored<E extends Event> = E extends Event ? StoredEvent<E['type'], E['data']> : never;

/** A guard for the events of a group of definitions (an aggregate's): true when the type is one of theirs. */
export function eventGuard<Defs extends readonly EventDefinition[]>(definitions: Defs) {
  const types = new Set<string>(definitions.map((d) => d.type));
  return (event: StoredEvent): event is Stored<EventsOf<Defs>> => types.has(event.type);
}

/** Narrows a stored event to one definition: `if (isEvent(AssetCleared, e)) e.data.targets`. */
export function isEvent<D extends EventDefinition>(
  definition: D,
  event: StoredEvent,
): event is StoredEvent<D['type'], DataOf<D>> {
  return event.type === definition.type;
}
