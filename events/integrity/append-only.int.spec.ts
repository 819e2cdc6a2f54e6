import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '../../lib/ids';
import { deleted, detected } from '../../test/support/events';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { settled } from '../../test/support/settle';
import { tamper } from '../../test/support/tamper';
import { createSqlEventStore } from '../store/sql-event-store';
import type { EventStore } from '../store/event-store';
import { writeCheckpoint } from './checkpointer';
import { loadSigningKey } from './keys';

describe.each(['pglite', 'postgres'] as const)('the log is append-only on %s', (kind) => {
  let t: TestSql;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestSql(kind);
    store = createSqlEventStore(t.sql);
    const s = `asset-${uuidv7()}`;
    await settled(store, (await store.append(s, [detected(s), deleted(s)])).lastPosition);
    await writeCheckpoint(t.sql, loadSigningKey(join(mkdtempSync(join(tmpdir(), 'mx-key-')), 'k.pem')));
  });
  afterAll(async () => {
    await store.close();
    await t.dispose();
  });

  test.each([
    ['mx_events', `update mx_events set type = 'AssetDeleted'`, /mx_events is append-only: UPDATE refused/],
    ['mx_events', 'delete from mx_events', /mx_events is append-only: DELETE refused/],
    ['mx_events', 'truncate mx_events', /mx_events is append-only: TRUNCATE refused/],
    ['mx_log_checkpoints', `update mx_log_checkpoints set digest = ''`, /UPDATE refused/],
    ['mx_log_checkpoints', 'delete from mx_log_checkpoints', /mx_log_checkpoints is append-only: DELETE refused/],
    ['mx_log_checkpoints', 'truncate mx_log_checkpoints', /TRUNCATE refused/],
  ])('%s: `%s` raises and changes nothing', async (table, statement, message) => {
    const before = await t.sql.query(`select * from ${table} order by 1`);
    await expect(t.sql.query(statement)).rejects.toMatchObject({
      code: 'MX004',
      message: expect.stringMatching(message),
    });
    expect(await t.sql.query(`select * from ${table} order by 1`)).toEqual(before);
  });

  test('appending still works, and a superuser (session_replication_role = replica) gets past it', async () => {
    const s = `asset-${uuidv7()}`;
    await store.append(s, [detected(s)]);
    await tamper(t.sql, 'delete from mx_events where stream_id = $1', [s]);
    expect(await t.sql.query('select 1 from mx_events where stream_id = $1', [s])).toEqual([]);
  });
});
