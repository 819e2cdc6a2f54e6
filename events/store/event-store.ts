import type { NewEvent, StoredEvent } from '../envelope';

/** `any`: no check. `no_stream`: the stream must not exist. A number: the stream must be at exactly that version. */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export interface AppendResult {
  /** Version of the stream after the append. */
  nextVersion: number;
  /** Position of the last appended event. */
  lastPosition: bigint;
  /** True when every event id was already stored with the same payload (idempotent retry). */
  duplicate: boolean;
}

export interface ReadAllOptions {
  /** Exclusive lower bound; 0n reads from the start. */
  after?: bigint;
  limit?: number;
  /** Only these event types. */
  types?: string[];
  /** Only this stream. */
  streamId?: string;
  /** Only streams of this category (`asset`, `transfer`...). */
  category?: string;
  /** Only events asked by this actor (`metadata.actor`: `user:ana`, `cli:root`, `system`...). */
  actor?: string;
  /** occurredAt bounds, ISO-8601. */
  from?: string;
  to?: string;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler in progress (if any) has returned. */
  stop(): Promise<void>;
  /** Resolves when the subscription has delivered everything up to `position`. */
  caughtUp(position: bigint): Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events after this position. */
  after: bigint;
  /** Events per read; defaults to 500. */
  batchSize?: number;
  /** Fallback poll interval in ms when no notification arrives; defaults to 250. */
  pollMs?: number;
  /** Called with an error from the handler or the store; the subscription retries after a pause. */
  onError?: (err: unknown) => void;
}

/**
 * The event store port: the source of truth of the hub.
 *
 * Ordering: within a stream, versions 1, 2, 3... Globally, `position` strictly
 * increases in the order `readAll` and `subscribe` return events, and no
 * reader ever sees an event at a position lower than one it was already
 * given (an append that commits late is held back until every earlier
 * writer has finished).
 *
 * Idempotency: appending an event id that is stored already, with the same
 * type and data, is a no-op returning `duplicate: true`; the same id with a
 * different payload throws `IdempotencyError`.
 *
 * Errors: `ConcurrencyError` (retryable) when the expected version does not
 * hold; `ValidationError` naming the event type and field when an event
 * breaks its schema; `UnavailableError` when the database is unreachable.
 */
export interface EventStore {
  append(streamId: string, events: NewEvent[], expected?: ExpectedVersion): Promise<AppendResult>;
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Catch-up subscription: replays history after `after`, then turns live. Handlers run one at a time, in order. */
  subscribe(handler: (event: StoredEvent) => Promise<void>, options: SubscribeOptions): Subscription;
  /** Highest position a reader can see now (0n when empty). */
  headPosition(): Promise<bigint>;
  /** Current version of a stream, 0 if it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  close(): Promise<void>;
}
