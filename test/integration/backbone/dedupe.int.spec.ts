import { createDedupingHandler } from '../../../events/backbone/dedupe';
import { createTestSql, type TestSql } from '../../support/pg';
import { storedEvent } from './support';

jest.setTimeout(60_000);

describe('deduping handler', () => {
  let db: TestSql;

  beforeAll(async () => {
    db = await createTestSql('postgres');
    await db.sql.query('create table dedupe_effects (event_id uuid not null)');
  });

  afterAll(() => db?.dispose());

  const effects = async (id: string) =>
    Number(
      (
        await db.sql.query<{ n: string }>('select count(*)::text as n from dedupe_effects where event_id = $1', [id])
      )[0]!.n,
    );

  const recording = (consumer: string, before?: () => Promise<void>) =>
    createDedupingHandler(db.sql, consumer, async (e, tx) => {
      await before?.();
      await tx.query('insert into dedupe_effects (event_id) values ($1)', [e.id]);
    });

  it('handles an event once however often it is delivered', async () => {
    const handle = recording('once');
    const event = storedEvent('asset-d1', 1, 1n);

    await handle(event);
    await handle(event);
    await handle(event);

    expect(await effects(event.id)).toBe(1);
  });

  it('keeps consumers apart: each handles the event once', async () => {
    const event = storedEvent('asset-d2', 1, 2n);

    await recording('first')(event);
    await recording('second')(event);
    await recording('second')(event);

    expect(await effects(event.id)).toBe(2);
  });

  it('rolls back a failed handling, so the redelivery handles it', async () => {
    let calls = 0;
    const handle = recording('flaky', async () => {
      if (calls++ === 0) throw new Error('transient');
    });
    const event = storedEvent('asset-d3', 1, 3n);

    await expect(handle(event)).rejects.toThrow('transient');
    await handle(event);
    await handle(event);

    expect(calls).toBe(2);
    expect(await effects(event.id)).toBe(1);
  });

  it('lets one of several concurrent deliveries through', async () => {
    const handle = recording('concurrent', () => new Promise((r) => setTimeout(r, 100)));
    const event = storedEvent('asset-d4', 1, 4n);

    await Promise.all([handle(event), handle(event), handle(event)]);

    expect(await effects(event.id)).toBe(1);
  });
});
