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
  /**
   * Publishes one record that is not an event (a signed checkpoint) to the
   * topic of `category` (`mxhub.checkpoints`), resolving once the broker has
   * acknowledged it. Records of one key stay in the order published. The
   * category must not be a stream category: event consumers skip records.
   */
  publishRecord(category: string, key: string, value: string): Promise<void>;
  consume(options: ConsumeOptions, handler: (event: StoredEvent) => Promise<void>): Promise<BackboneConsumer>;
  /** Cheap liveness probe for /health/ready. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
