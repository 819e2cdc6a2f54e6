/**
 * The event envelope of the design: what every event in the store carries.
 * `data` is the typed payload, `metadata` says who caused it and why.
 */
export interface EventMetadata {
  /** Ties together everything one request or one file's journey caused. */
  correlationId: string;
  /** The id of the event or command that directly caused this one. */
  causationId: string;
  /** Who did it: `user:<name>`, `connector:<network>`, `service:<name>`. */
  actor: string;
  /** ISO-8601 time the fact happened (not when it was stored). */
  occurredAt: string;
}

/** A domain event before its envelope: what a `decide` returns (see `stamp` in events/stamp.ts). */
export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** An event with its envelope, before it is stored: what `append` takes. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUIDv7, chosen by the caller so that a retried append is idempotent. */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** Schema version of `data`; defaults to the catalog's current version. */
  schemaVersion?: number;
}

/** An event as the store holds it. */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  /** 1 for the first event of a stream, then +1 per event. */
  version: number;
  /**
   * Position in the global log. Strictly increasing in the order readers see
   * events; not dense (see events/store/README in migrations for why).
   */
  position: bigint;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  /** Hash of the previous event of the same stream ('' for the first). */
  prevHash: string;
  /** SHA-256 over prevHash and this event's canonical content. */
  hash: string;
  recordedAt: string;
}

export type StreamCategory = 'asset' | 'transfer' | 'network' | 'lane' | 'user';

/** `asset-0192...` -> `asset`. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}

/** JSON form of a stored event, as the API and Kafka carry it (positions as strings). */
export function toJson(e: StoredEvent): Record<string, unknown> {
  return { ...e, position: e.position.toString() };
}
