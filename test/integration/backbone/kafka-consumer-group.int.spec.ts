import { createKafkaBackbone } from '../../../events/backbone/adapters/kafka';
import type { Backbone, BackboneConsumer } from '../../../events/backbone/backbone';
import type { StoredEvent } from '../../../events/envelope';
import { ensureBroker, expectStreamOrder, rawKafka, randomName, sharedBroker, storedEvent, until } from './support';

jest.setTimeout(120_000);

const prefix = `${randomName('mxtest.group-')}.`;
const groupId = randomName('mxtest-group-');

/** Every member of the group holds partitions and the group is not rebalancing. */
async function groupSettled(members: number): Promise<boolean> {
  const admin = rawKafka(sharedBroker.broker).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return (
      group?.state === 'Stable' &&
      group.members.length === members &&
      group.members.every((m) => m.memberAssignment.length > 0)
    );
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka backbone consumer group', () => {
  let backbone: Backbone;
  const consumers: BackboneConsumer[] = [];

  beforeAll(async () => {
    await ensureBroker();
    backbone = createKafkaBackbone({
      brokers: [sharedBroker.broker],
      topicPrefix: prefix,
      partitions: 6,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
    });
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await backbone?.close();
    const admin = rawKafka(sharedBroker.broker).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [`${prefix}asset`] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('splits the partitions between two members: both get events, together all of them, none twice, each stream whole and in order', async () => {
    const seen: StoredEvent[][] = [[], []];
    for (const bucket of seen) {
      consumers.push(await backbone.consume({ groupId, categories: ['asset'] }, async (e) => void bucket.push(e)));
    }
    await until(() => groupSettled(2), 60_000, 'group of two settled');

    const events: StoredEvent[] = [];
    let position = 0n;
    for (let v = 1; v <= 5; v++) for (let s = 0; s < 60; s++) events.push(storedEvent(`asset-g${s}`, v, ++position));
    await backbone.publish(events);
    await until(() => seen[0]!.length + seen[1]!.length >= events.length, 60_000, 'all events consumed');
    await new Promise((r) => setTimeout(r, 1000)); // room for a stray duplicate to show up

    const [a, b] = seen as [StoredEvent[], StoredEvent[]];
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.length + b.length).toBe(events.length);
    expect(new Set([...a, ...b].map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    const streamsOf = (xs: StoredEvent[]) => new Set(xs.map((e) => e.streamId));
    expect([...streamsOf(a)].filter((s) => streamsOf(b).has(s))).toEqual([]);
    expectStreamOrder(a);
    expectStreamOrder(b);
    expect(typeof a[0]!.position).toBe('bigint');
  });

  it('handles the partitions of one fetch side by side, each partition still in order', async () => {
    // Published before the member joins, so its first fetch brings every partition at once.
    const events: StoredEvent[] = [];
    let position = 1000n;
    for (let v = 1; v <= 3; v++) for (let s = 0; s < 24; s++) events.push(storedEvent(`asset-c${s}`, v, ++position));
    await backbone.publish(events);

    const handled: StoredEvent[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first: string | undefined;
    let overlapped = false;
    consumers.push(
      await backbone.consume({ groupId: randomName('mxtest-concurrent-'), categories: ['asset'] }, async (e) => {
        // The group starts at the beginning: the first test's events pass by untouched.
        if (!e.streamId.startsWith('asset-c')) return;
        if (first === undefined) {
          first = e.streamId;
          // Held until another partition's event is handled meanwhile (or 10 s pass: then they were serialised).
          await Promise.race([held, new Promise((r) => setTimeout(r, 10_000))]);
        } else if (handled.length === 0 && !overlapped) {
          overlapped = true;
          release();
        }
        handled.push(e);
      }),
    );
    await until(async () => handled.length >= events.length, 60_000, 'all events consumed');

    expect(overlapped).toBe(true);
    expect(new Set(handled.map((e) => e.id)).size).toBe(events.length);
    expectStreamOrder(handled);
  });
});
