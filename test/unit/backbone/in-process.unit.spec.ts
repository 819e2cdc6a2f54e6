import { createInProcessBackbone } from '../../../events/backbone/adapters/in-process';
import type { Backbone } from '../../../events/backbone/backbone';
import type { StoredEvent } from '../../../events/envelope';

let position = 0n;
function event(streamId: string, version: number): StoredEvent {
  position++;
  return {
    id: `${streamId}/${version}`,
    streamId,
    version,
    position,
    type: 'AssetDetected',
    schemaVersion: 1,
    data: {},
    metadata: { correlationId: 'c', causationId: 'c', actor: 'user:test', occurredAt: '2026-11-22T10:00:00.000Z' },
    prevHash: '',
    hash: '',
    recordedAt: '2026-11-22T10:00:00.000Z',
  };
}

/** `streams` streams of `perStream` events each, interleaved like concurrent writers would. */
function interleaved(streams: number, perStream: number, category = 'asset', fromVersion = 1): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let v = fromVersion; v < fromVersion + perStream; v++)
    for (let s = 0; s < streams; s++) out.push(event(`${category}-${s}`, v));
  return out;
}

function collector() {
  const seen: StoredEvent[] = [];
  return { seen, handler: async (e: StoredEvent) => void seen.push(e) };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every stream's versions arrive as 1, 2, 3... */
function expectStreamOrder(seen: StoredEvent[]): void {
  const last = new Map<string, number>();
  for (const e of seen) {
    expect(e.version).toBe((last.get(e.streamId) ?? 0) + 1);
    last.set(e.streamId, e.version);
  }
}

describe('in-process backbone', () => {
  let backbone: Backbone;
  beforeEach(() => (backbone = createInProcessBackbone()));
  afterEach(() => backbone.close());

  it('gives each event of a group to exactly one member, keeping every stream in order', async () => {
    const a = collector();
    const b = collector();
    await backbone.consume({ groupId: 'g', categories: ['asset'] }, a.handler);
    await backbone.consume({ groupId: 'g', categories: ['asset'] }, b.handler);
    const events = interleaved(40, 5);

    await backbone.publish(events);
    await until(() => a.seen.length + b.seen.length === events.length);

    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
    const ids = [...a.seen, ...b.seen].map((e) => e.id);
    expect(new Set(ids).size).toBe(events.length);
    const streamsOf = (seen: StoredEvent[]) => new Set(seen.map((e) => e.streamId));
    expect([...streamsOf(a.seen)].filter((s) => streamsOf(b.seen).has(s))).toEqual([]);
    expectStreamOrder(a.seen);
    expectStreamOrder(b.seen);
  });

  it('gives every event to each group', async () => {
    const g1 = collector();
    const g2 = collector();
    await backbone.consume({ groupId: 'g1', categories: ['asset'] }, g1.handler);
    await backbone.consume({ groupId: 'g2', categories: ['asset'] }, g2.handler);

    await backbone.publish(interleaved(10, 3));
    await until(() => g1.seen.length === 30 && g2.seen.length === 30);

    expect(g1.seen.map((e) => e.id).sort()).toEqual(g2.seen.map((e) => e.id).sort());
    expectStreamOrder(g1.seen);
    expectStreamOrder(g2.seen);
  });

  it('delivers only the categories a member consumes', async () => {
    const c = collector();
    await backbone.consume({ groupId: 'g', categories: ['transfer'] }, c.handler);

    await backbone.publish([...interleaved(3, 2, 'asset'), ...interleaved(2, 2, 'transfer')]);
    await until(() => c.seen.length === 4);

    expect(c.seen.every((e) => e.streamId.startsWith('transfer-'))).toBe(true);
  });

  it('replays retained history to a new group with fromBeginning, and only new events without it', async () => {
    await backbone.publish(interleaved(5, 2));
    const replay = collector();
    const live = collector();
    await backbone.consume({ groupId: 'replay', categories: ['asset'], fromBeginning: true }, replay.handler);
    await backbone.consume({ groupId: 'live', categories: ['asset'], fromBeginning: false }, live.handler);

    await backbone.publish([event('asset-new', 1)]);
    await until(() => replay.seen.length === 11 && live.seen.length === 1);

    expect(live.seen[0]!.streamId).toBe('asset-new');
  });

  it('keeps at most maxRetained events for late groups', async () => {
    const small = createInProcessBackbone({ maxRetained: 10 });
    await small.publish(interleaved(5, 4));
    const c = collector();
    await small.consume({ groupId: 'late', categories: ['asset'] }, c.handler);

    await until(() => c.seen.length === 10);
    await new Promise((r) => setTimeout(r, 20));

    expect(c.seen.map((e) => e.version).every((v) => v >= 3)).toBe(true);
    await small.close();
  });

  it('redelivers an event whose handler threw, before any later event of its stream', async () => {
    const backbone = createInProcessBackbone({ onError: () => undefined });
    const seen: string[] = [];
    let failures = 0;
    await backbone.consume({ groupId: 'g', categories: ['asset'] }, async (e) => {
      if (e.id === 'asset-1/1' && failures++ < 2) throw new Error('transient');
      seen.push(e.id);
    });

    await backbone.publish(interleaved(2, 2));
    await until(() => seen.length === 4);

    expect(failures).toBe(3);
    expect(seen.indexOf('asset-1/1')).toBeLessThan(seen.indexOf('asset-1/2'));
    await backbone.close();
  });

  it('hands a stopped member’s partitions to the others without losing or repeating events', async () => {
    const a = collector();
    const b = collector();
    await backbone.consume({ groupId: 'g', categories: ['asset'] }, a.handler);
    const consumerB = await backbone.consume({ groupId: 'g', categories: ['asset'] }, b.handler);
    await backbone.publish(interleaved(20, 2));
    await until(() => a.seen.length + b.seen.length === 40);

    await consumerB.stop();
    await backbone.publish(interleaved(20, 1, 'asset', 3));
    await until(() => a.seen.length + b.seen.length === 60);

    expect(b.seen.every((e) => e.version < 3)).toBe(true);
    expect(new Set([...a.seen, ...b.seen].map((e) => e.id)).size).toBe(60);
  });

  it('resumes a group from its offsets when a member comes back', async () => {
    const first = collector();
    const consumer = await backbone.consume({ groupId: 'g', categories: ['asset'] }, first.handler);
    await backbone.publish(interleaved(3, 1));
    await until(() => first.seen.length === 3);
    await consumer.stop();

    await backbone.publish(interleaved(3, 1, 'asset', 2));
    const second = collector();
    await backbone.consume({ groupId: 'g', categories: ['asset'] }, second.handler);
    await until(() => second.seen.length === 3);

    expect(second.seen.every((e) => e.version === 2)).toBe(true);
  });
});
