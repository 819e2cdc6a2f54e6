import { setTimeout as sleep } from 'node:timers/promises';
import { categoryOf, type StoredEvent } from '../../envelope';
import type { Backbone, BackboneConsumer, ConsumeOptions } from '../backbone';

export interface InProcessBackboneOptions {
  /** Events kept for consumers that join later with `fromBeginning`; the oldest go first. @default 100000 */
  maxRetained?: number;
  /** Records (`publishRecord`) kept per category for `records()`; the oldest go first. @default 1000 */
  maxRecords?: number;
  /** Virtual partitions: a group spreads over at most this many members, like Kafka partitions. @default 6 */
  partitions?: number;
  /** Called when a handler throws; the event is retried after a pause. */
  onError?: (err: unknown, event: StoredEvent, groupId: string) => void;
}

/** A record published with `publishRecord`. */
export interface BackboneRecord {
  key: string;
  value: string;
}

/** The in-process backbone, which also hands back the records published to it (nothing else could read them). */
export interface InProcessBackbone extends Backbone {
  /** Records of `category` still retained, oldest first. */
  records(category: string): BackboneRecord[];
}

interface Partition {
  events: StoredEvent[];
  /** Offset of `events[0]`; grows as retention drops old events. */
  base: number;
}

interface Member {
  categories: Set<string>;
  handler: (event: StoredEvent) => Promise<void>;
}

interface Group {
  /** Per partition: the next offset to deliver (the group's committed offset). */
  offsets: number[];
  members: Member[];
  /** Bumped on every membership change; a delivery loop of an older generation stops. */
  generation: number;
  loops: Promise<void>[];
  /** Serialises rebalances of this group. */
  rebalancing: Promise<void>;
}

/**
 * In-process backbone for the embedded profile, with Kafka's group semantics:
 * an event lands in one of `partitions` virtual partitions by a hash of its
 * stream id; each partition of a group is read by exactly one member, in
 * order, so every event reaches one member per group and a stream's events
 * arrive in order. Different groups each get every event.
 *
 * A membership change (consume or stop) rebalances the group: delivery
 * pauses, handlers in progress finish, partitions are reassigned and delivery
 * resumes from the group's offsets. An offset moves only after the handler
 * resolved; a throwing handler gets the same event again after a pause
 * (at least once, as with Kafka).
 *
 * `publish` resolves once the events are appended, not once consumers have
 * handled them. Retention is bounded: a group that falls more than
 * `maxRetained` events behind skips the dropped ones, as Kafka's would.
 * Records (`publishRecord`) are kept per category, the newest `maxRecords`.
 */
export function createInProcessBackbone(options: InProcessBackboneOptions = {}): InProcessBackbone {
  const maxRetained = options.maxRetained ?? 100_000;
  const maxRecords = options.maxRecords ?? 1000;
  const partitionCount = options.partitions ?? 6;
  const partitions: Partition[] = Array.from({ length: partitionCount }, () => ({ events: [], base: 0 }));
  /** Partition of each retained event in publish order, to drop the oldest first. */
  const retained: number[] = [];
  const groups = new Map<string, Group>();
  const records = new Map<string, BackboneRecord[]>();
  let closed = false;
  let wake = signal();

  const end = (p: Partition) => p.base + p.events.length;

  async function publish(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      const p = hash(event.streamId) % partitionCount;
      partitions[p]!.events.push(event);
      retained.push(p);
    }
    while (retained.length > maxRetained) {
      const oldest = partitions[retained.shift()!]!;
      oldest.events.shift();
      oldest.base++;
    }
    wake.fire();
    wake = signal();
  }

  async function publishRecord(category: string, key: string, value: string): Promise<void> {
    const kept = records.get(category) ?? [];
    records.set(category, kept);
    kept.push({ key, value });
    if (kept.length > maxRecords) kept.shift();
  }

  async function deliverLoop(
    groupId: string,
    group: Group,
    p: number,
    member: Member,
    generation: number,
  ): Promise<void> {
    const partition = partitions[p]!;
    const current = () => group.generation === generation && !closed;
    while (current()) {
      const offset = Math.max(group.offsets[p]!, partition.base);
      if (offset >= end(partition)) {
        await wake.promise;
        continue;
      }
      const event = partition.events[offset - partition.base]!;
      if (
        member.categories.has(categoryOf(event.streamId)) &&
        !(await handleWithRetry(groupId, member, event, current))
      )
        return;
      group.offsets[p] = offset + 1;
    }
  }

  /** True once handled; false when the loop lost its partition first (the offset stays, the next owner redelivers). */
  async function handleWithRetry(
    groupId: string,
    member: Member,
    event: StoredEvent,
    current: () => boolean,
  ): Promise<boolean> {
    for (let delay = 50; current(); delay = Math.min(delay * 2, 2000)) {
      try {
        await member.handler(event);
        return true;
      } catch (err) {
        options.onError?.(err, event, groupId);
        await Promise.race([sleep(delay), wake.promise]);
      }
    }
    return false;
  }

  function rebalance(groupId: string, group: Group): Promise<void> {
    group.rebalancing = group.rebalancing.then(async () => {
      const generation = ++group.generation;
      wake.fire();
      wake = signal();
      await Promise.all(group.loops);
      group.loops = [];
      if (closed || group.members.length === 0) return;
      group.loops = partitions.map((_, p) =>
        deliverLoop(groupId, group, p, group.members[p % group.members.length]!, generation),
      );
    });
    return group.rebalancing;
  }

  async function consume(
    options: ConsumeOptions,
    handler: (event: StoredEvent) => Promise<void>,
  ): Promise<BackboneConsumer> {
    let group = groups.get(options.groupId);
    if (!group) {
      // A new group starts at the oldest retained event, or at the end; an existing one keeps its offsets.
      const start = (p: Partition) => ((options.fromBeginning ?? true) ? p.base : end(p));
      group = { offsets: partitions.map(start), members: [], generation: 0, loops: [], rebalancing: Promise.resolve() };
      groups.set(options.groupId, group);
    }
    const member: Member = { categories: new Set(options.categories), handler };
    group.members.push(member);
    const g = group;
    await rebalance(options.groupId, g);
    return {
      async stop() {
        const i = g.members.indexOf(member);
        if (i < 0) return;
        g.members.splice(i, 1);
        await rebalance(options.groupId, g);
      },
    };
  }

  async function close(): Promise<void> {
    closed = true;
    wake.fire();
    await Promise.all([...groups.values()].map((g) => g.rebalancing.then(() => Promise.all(g.loops))));
  }

  return {
    kind: 'in-process',
    publish,
    publishRecord,
    records: (category) => [...(records.get(category) ?? [])],
    consume,
    healthy: async () => !closed,
    close,
  };
}

/** FNV-1a: cheap, stable across runs, spreads similar stream ids. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function signal() {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}
