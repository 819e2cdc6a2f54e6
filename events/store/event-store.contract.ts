import { uuidv7 } from '../../lib/ids';
import { ConcurrencyError, IdempotencyError, ValidationError } from '../../lib/errors';
import type { Sql } from '../../lib/db/sql';
import { deleted, detected, meta } from '../../test/support/events';
import type { StoredEvent } from '../envelope';
import type { EventStore } from './event-store';

export interface ContractContext {
  store: EventStore;
  sql: Sql;
  /** Appends in a transaction that stays open until `commit` is called. */
  holdOpenAppend(streamId: string, eventJson: unknown): Promise<{ commit(): Promise<void> }>;
  /** True when other writers can commit while a transaction is held open (PostgreSQL; PGlite serialises). */
  concurrentWriters: boolean;
  dispose(): Promise<void>;
}

const sid = (prefix = 'asset') => `${prefix}-${uuidv7()}`;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One contract, every adapter (style guide, rule 7). */
export function eventStoreContract(name: string, setup: () => Promise<ContractContext>): void {
  describe(`EventStore contract: ${name}`, () => {
    let ctx: ContractContext;
    beforeAll(async () => {
      ctx = await setup();
    });
    afterAll(async () => {
      await ctx.dispose();
    });

    test('appends number a stream from 1 and chain their hashes', async () => {
      const s = sid();
      const r = await ctx.store.append(s, [detected(s), deleted(s)], 'no_stream');
      expect(r).toMatchObject({ nextVersion: 2, duplicate: false });
      const events = await ctx.store.readStream(s);
      expect(events.map((e) => e.version)).toEqual([1, 2]);
      expect(events[0]!.prevHash).toBe('');
      expect(events[1]!.prevHash).toBe(events[0]!.hash);
      expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(events[1]!.position).toBeGreaterThan(events[0]!.position);
      expect(await ctx.store.streamVersion(s)).toBe(2);
    });

    test('expected version: exact and no_stream hold, a wrong one is a retryable ConcurrencyError', async () => {
      const s = sid();
      await ctx.store.append(s, [detected(s)], 'no_stream');
      await ctx.store.append(s, [deleted(s)], 1);
      const wrong = ctx.store.append(s, [deleted(s)], 1);
      await expect(wrong).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(wrong).rejects.toMatchObject({ retryable: true, actual: 2, code: 'MXHUB_ERR_CONCURRENCY' });
      await expect(ctx.store.append(s, [deleted(s)], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      await ctx.store.append(s, [deleted(s)], 'any');
      expect(await ctx.store.streamVersion(s)).toBe(3);
    });

    test('of concurrent appends at the same expected version exactly one wins', async () => {
      const s = sid();
      await ctx.store.append(s, [detected(s)], 'no_stream');
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => ctx.store.append(s, [deleted(s)], 1)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(7);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect(await ctx.store.streamVersion(s)).toBe(2);
    });

    test('appends that arrive together are committed together and each is answered on its own', async () => {
      const fresh = Array.from({ length: 5 }, () => sid());
      const busy = sid();
      const twice = sid();
      const replayed = sid();
      const replayedEvents = [detected(replayed)];
      await ctx.store.append(busy, [detected(busy)], 'no_stream');
      const first = await ctx.store.append(replayed, replayedEvents, 'no_stream');
      const head = await ctx.store.headPosition();
      // One call in flight, the rest waiting behind it: they go as one batch.
      const results = await Promise.allSettled([
        ctx.store.append(sid(), [detected(uuidv7())], 'any'),
        ...fresh.map((s) => ctx.store.append(s, [detected(s), deleted(s)], 'no_stream')),
        ctx.store.append(busy, [deleted(busy)], 0),
        ctx.store.append(twice, [detected(twice)], 'no_stream'),
        ctx.store.append(twice, [deleted(twice)], 1),
        ctx.store.append(replayed, replayedEvents, 'no_stream'),
        ctx.store.append(
          replayed,
          [{ ...replayedEvents[0]!, data: { ...(replayedEvents[0]!.data as object), sizeBytes: 1 } }],
          'any',
        ),
      ]);
      const [, ...rest] = results;
      const outcome = rest.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
      for (const r of outcome.slice(0, 5)) expect(r).toMatchObject({ nextVersion: 2, duplicate: false });
      expect(outcome[5]).toBeInstanceOf(ConcurrencyError);
      expect(outcome[5]).toMatchObject({ actual: 1 });
      expect(outcome[6]).toMatchObject({ nextVersion: 1 });
      expect(outcome[7]).toMatchObject({ nextVersion: 2 });
      expect(outcome[8]).toMatchObject({ duplicate: true, lastPosition: first.lastPosition });
      expect(outcome[9]).toBeInstanceOf(IdempotencyError);
      // Each stream as if appended alone: versions from 1, hashes chained, positions past the head.
      for (const s of [...fresh, twice]) {
        const events = await ctx.store.readStream(s);
        expect(events.map((e) => e.version)).toEqual([1, 2]);
        expect(events[1]!.prevHash).toBe(events[0]!.hash);
        expect(events[0]!.position).toBeGreaterThan(head);
      }
      expect(await ctx.store.streamVersion(busy)).toBe(1);
      const log = await ctx.store.readAll({ after: head });
      expect(log.map((e) => e.position)).toEqual([...log.map((e) => e.position)].sort((a, b) => (a < b ? -1 : 1)));
    });

    test('re-appending the same event ids is a no-op; the same id with other data is refused', async () => {
      const s = sid();
      const events = [detected(s), deleted(s)];
      const first = await ctx.store.append(s, events, 'no_stream');
      const again = await ctx.store.append(s, events, 'no_stream');
      expect(again).toMatchObject({ duplicate: true, nextVersion: 2, lastPosition: first.lastPosition });
      expect(await ctx.store.readStream(s)).toHaveLength(2);
      const changed = { ...events[0]!, data: { ...(events[0]!.data as object), sizeBytes: 1 } };
      await expect(ctx.store.append(s, [changed], 'any')).rejects.toBeInstanceOf(IdempotencyError);
      await expect(ctx.store.append(s, [events[0]!, deleted(s)], 'any')).rejects.toBeInstanceOf(IdempotencyError);
      expect(await ctx.store.readStream(s)).toHaveLength(2);
    });

    test('an event that breaks its schema is refused, naming type and field, and nothing is written', async () => {
      const s = sid();
      const bad = detected(s, {});
      (bad.data as Record<string, unknown>).sizeBytes = -5;
      await expect(ctx.store.append(s, [detected(s), bad])).rejects.toThrow(/AssetDetected: data\.sizeBytes/);
      await expect(ctx.store.append(s, [{ ...detected(s), type: 'AssetTeleported' }])).rejects.toThrow(
        /unknown event type "AssetTeleported"/,
      );
      const noActor = detected(s, { metadata: { ...meta(), actor: '' } });
      await expect(ctx.store.append(s, [noActor])).rejects.toThrow(/metadata\.actor/);
      await expect(ctx.store.append(s, [detected(s)])).resolves.toMatchObject({ nextVersion: 1 });
      await expect(ctx.store.append('no dashes', [detected(s)])).rejects.toBeInstanceOf(ValidationError);
    });

    test('readAll returns the global log in position order, filtered by stream, category and type', async () => {
      const a = sid();
      const t = sid('transfer');
      const head = await ctx.store.headPosition();
      await ctx.store.append(a, [detected(a)]);
      await ctx.store.append(a, [deleted(a)]);
      await ctx.store.append(t, [detected(a)]);
      const all = await ctx.store.readAll({ after: head });
      expect(all.map((e) => e.streamId)).toEqual([a, a, t]);
      expect([...all].sort((x, y) => (x.position < y.position ? -1 : 1))).toEqual(all);
      expect(await ctx.store.readAll({ after: head, streamId: a })).toHaveLength(2);
      expect(await ctx.store.readAll({ after: head, category: 'transfer' })).toHaveLength(1);
      expect((await ctx.store.readAll({ after: head, types: ['AssetDeleted'] })).map((e) => e.streamId)).toEqual([a]);
      expect(await ctx.store.readAll({ after: head, limit: 2 })).toHaveLength(2);
      expect(await ctx.store.headPosition()).toBe(all[2]!.position);
    });

    test('a catch-up subscription replays history, then turns live', async () => {
      const s = sid();
      const head = await ctx.store.headPosition();
      await ctx.store.append(s, [detected(s)]);
      const seen: StoredEvent[] = [];
      const sub = ctx.store.subscribe(async (e) => void seen.push(e), { after: head, pollMs: 50 });
      const live = await ctx.store.append(s, [deleted(s)]);
      await sub.caughtUp(live.lastPosition);
      await sub.stop();
      expect(seen.map((e) => e.version)).toEqual([1, 2]);
    });

    test('a subscription never skips an event that commits late with a lower position', async () => {
      const head = await ctx.store.headPosition();
      const seen: bigint[] = [];
      const sub = ctx.store.subscribe(async (e) => void seen.push(e.position), { after: head, pollMs: 20 });
      const slow = sid();
      const held = await ctx.holdOpenAppend(slow, [{ ...detected(slow), schemaVersion: 1 }]);
      const fast = Array.from({ length: 5 }, () => sid());
      const appends = Promise.all(fast.map((f) => ctx.store.append(f, [detected(f)])));
      if (ctx.concurrentWriters) await appends; // they commit while the slow writer still holds its transaction
      await delay(300);
      expect(seen).toEqual([]); // delivering them now would skip the slow one for ever
      await held.commit();
      await appends;
      const last = await ctx.store.headPosition();
      await sub.caughtUp(last);
      await sub.stop();
      const log = await ctx.store.readAll({ after: head });
      expect(log).toHaveLength(6);
      expect(seen).toEqual(log.map((e) => e.position));
      expect(log[0]!.streamId).toBe(slow);
    });

    test('events of an older schema version are upcast on read', async () => {
      const s = sid('transfer');
      const v1 = {
        id: uuidv7(),
        type: 'TransferRequested',
        schemaVersion: 1,
        data: {
          transferId: s,
          assetId: 'a1',
          sourceNetwork: 'news',
          targetNetwork: 'broadcast',
          priority: 1,
          sizeBytes: 5,
          sha256: 'a'.repeat(64),
        },
        metadata: meta(),
      };
      // Written as an older release would have, bypassing today's schema check.
      await ctx.sql.query('select * from mx_append($1, -2, $2::jsonb)', [s, JSON.stringify([v1])]);
      const [read] = await ctx.store.readStream(s);
      expect(read).toMatchObject({ schemaVersion: 2, data: { lane: 'urgent', priority: 1 } });
    });
  });
}
