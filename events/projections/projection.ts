import type { Sql } from '../../lib/db/sql';
import type { Stored } from '../catalog/stored';
import type { Event, StoredEvent } from '../envelope';

/**
 * A read model fed from the global log.
 *
 * `apply` runs inside the transaction that also moves the projection's
 * checkpoint, so an event's effect and the checkpoint commit together.
 * Handlers must still be idempotent (guard on `last_position`), because a
 * replay or a second runner may hand them an event again. They must be
 * deterministic: times come from the event, never from `now()`, so a replay
 * rebuilds identical rows.
 */
export interface Projection {
  name: string;
  /** Tables this projection owns (rebuilt by replay, compared by `mxhub replay`). */
  tables: Array<{ name: string; key: string[] }>;
  /** Event types it reacts to; others are skipped without a query. */
  handles: readonly string[] | 'all';
  apply(tx: Sql, event: StoredEvent): Promise<void>;
  /**
   * Applies several events at once (in log order, only those it handles),
   * with the effect of `apply` on each in turn: a projection that writes
   * one row per event says it in one statement instead of one per event.
   */
  applyMany?(tx: Sql, events: StoredEvent[]): Promise<void>;
}

/** Occurrence time of an event, the only clock a projection may read. */
export const at = (e: StoredEvent) => e.metadata.occurredAt;

/**
 * A projection over typed events. The store validated each payload against
 * the catalog when it was appended and upcasts older ones when it reads
 * them, so an event whose `type` is one of `handles` carries that type's
 * data: the narrowing below relies on that and on nothing else.
 */
export function defineProjection<E extends Event>(spec: {
  name: string;
  tables: Projection['tables'];
  handles: ReadonlyArray<E['type']>;
  apply(tx: Sql, event: Stored<E>): Promise<void>;
}): Projection {
  const handles: readonly string[] = spec.handles;
  const handled = (e: StoredEvent): e is Stored<E> => handles.includes(e.type);
  return {
    name: spec.name,
    tables: spec.tables,
    handles,
    apply: async (tx, event) => (handled(event) ? spec.apply(tx, event) : undefined),
  };
}
