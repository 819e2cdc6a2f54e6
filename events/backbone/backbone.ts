import type { StoredEvent } from '../envelope';

export interface ConsumeOptions {
  /** Consumer group: members of one group split the partitions. */
  groupId: string;
  /** Stream categories to consume (`asset`, `transfer`...). */
  categories: string[];
  /** Start from the earliest retained message when the group has no offsets. Default true. */
  fromBeginning?: boolean;
}

export interface BackboneConsumer {
  stop(): Promise<void>;
}

/**
 * The backbone port: committed events out to other systems and scale-out
 * consumers.
 *
 * `publish` sends events in the order given and resolves only once the
 * broker has acknowledged all of them; within a stream, order is kept
 * (key = stream id). Delivery is at least once: consumers dedupe by event id
 * (see `createDedupingHandler`).
 */
export interface Backbone {
  readonly kind: 'kafka' | 'in-process';
  publish(events: StoredEvent[]): Promise<void>;
  consume(options: ConsumeOptions, handler: (event: StoredEvent) => Promise<void>): Promise<BackboneConsumer>;
  /** Cheap liveness probe for /health/ready. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
