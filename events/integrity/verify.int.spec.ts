import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '../../lib/ids';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { deleted, detected } from '../../test/support/events';
import { settled } from '../../test/support/settle';
import { tamper } from '../../test/support/tamper';
import { createPostgresEventStore } from '../store/adapters/postgres';
import type { EventStore } from '../store/event-store';
import { writeCheckpoint } from './checkpointer';
import { loadSigningKey, type SigningKey } from './keys';
import { verifyLog } from './verify';

describe('verify: hash chains and signed checkpoints', () => {
  let t: TestSql;
  let store: EventStore;
  let key: SigningKey;
  const streams: string[] = [];

  beforeAll(async () => {
    let last = 0n;
    t = await createTestSql('postgres');
    store = createPostgresEventStore(t.sql);
    key = loadSigningKey(join(mkdtempSync(join(tmpdir(), 'mx-key-')), 'checkpoint-key.pem'));
    for (let i = 0; i < 5; i++) {
      const s = `asset-${uuidv7()}`;
      streams.push(s);
      last = (await store.append(s, [detected(s), deleted(s), deleted(s)])).lastPosition;
    }
    await settled(store, last);
    await writeCheckpoint(t.sql, key);
    const late = `asset-${uuidv7()}`;
    await store.append(late, [detected(late)]);
  });
  afterAll(async () => {
    await store.close();
    await t.dispose();
  });

  test('an untouched log verifies, checkpoints included', async () => {
    const report = await verifyLog(t.sql, key);
    expect(report).toMatchObject({ ok: true, events: 16, streams: 6, checkpoints: 1, problems: [] });
    // The signature an auditor is shown is the one checked, with the key that checked it.
    expect(report.keyId).toBe(key.keyId);
    expect(report.latest).toEqual([expect.objectContaining({ eventCount: '15', keyId: key.keyId, valid: true })]);
    expect(Buffer.from(report.latest[0]!.signature, 'base64')).toHaveLength(64);
  });

  test('a checkpoint signed by another key is refused', async () => {
    const other = loadSigningKey(join(mkdtempSync(join(tmpdir(), 'mx-key-')), 'k.pem'));
    const report = await verifyLog(t.sql, other);
    expect(report.ok).toBe(false);
    expect(report.firstProblem?.what).toMatch(/signed by key/);
    expect(report.latest[0]?.valid).toBe(false);
  });

  test('an edited row is named', async () => {
    const [victim] = await store.readStream(streams[1]!);
    await tamper(t.sql, `update mx_events set data = jsonb_set(data, '{sizeBytes}', '1') where event_id = $1`, [
      victim!.id,
    ]);
    const report = await verifyLog(t.sql, key);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ eventId: victim!.id, what: expect.stringMatching(/edited/) });
    await tamper(t.sql, `update mx_events set data = $2::jsonb where event_id = $1`, [
      victim!.id,
      JSON.stringify(victim!.data),
    ]);
    expect((await verifyLog(t.sql, key)).ok).toBe(true);
  });

  test('a deleted row is found: the stream gap names the event after it, and the checkpoint breaks', async () => {
    const events = await store.readStream(streams[2]!);
    await tamper(t.sql, 'delete from mx_events where event_id = $1', [events[1]!.id]);
    const report = await verifyLog(t.sql, key);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ eventId: events[2]!.id, what: expect.stringMatching(/missing/) }),
        expect.objectContaining({ what: expect.stringMatching(/checkpoint/) }),
      ]),
    );
  });
});
