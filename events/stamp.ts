import type { Event, NewEvent } from './envelope';

/** Who, when and why, given by the caller so that whatever decided the events stays pure. */
export interface StampContext {
  /** `user:<name>`, `connector:<network>`, `service:<name>`. */
  actor: string;
  /** ISO-8601 time every event of the batch happened. */
  now: string;
  /** A new event id (UUIDv7, or a name-derived UUID for an idempotent append), called once per event. */
  newId: () => string;
  /** The journey the batch belongs to. */
  correlationId: string;
  /** What caused the first event of the batch; each later event is caused by the one before it. */
  causationId: string;
}

/** `NewEvent` of each member of a domain event union, with its type and data kept together. */
export type Stamped<E extends Event> = E extends Event ? NewEvent<E['type'], E['data']> : never;

/**
 * Puts the envelope on domain events, in order: a new id each, the actor,
 * the correlation, and causation chained within the batch (the first event
 * caused by `causationId`, each later one by the event before it). The one
 * place the hub builds `metadata`.
 */
export function stamp<E extends Event>(events: readonly E[], context: StampContext): Array<Stamped<E>> {
  let causationId = context.causationId;
  return events.map((event) => {
    const id = context.newId();
    const stamped = {
      id,
      type: event.type,
      data: event.data,
      metadata: { correlationId: context.correlationId, causationId, actor: context.actor, occurredAt: context.now },
    } as Stamped<E>;
    causationId = id;
    return stamped;
  });
}
