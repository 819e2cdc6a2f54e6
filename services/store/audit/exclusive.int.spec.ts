import { createPgSql } from '../../../lib/db/adapters/pg';
import { createTestSql, type TestSql } from '../../../test/support/pg';
import { exclusively } from './exclusive';

describe.each(['postgres', 'pglite'] as const)('background rounds run in one process at a time on %s', (kind) => {
  let db: TestSql;

  beforeAll(async () => {
    db = await createTestSql(kind);
  });
  afterAll(() => db?.dispose());

  test('a round runs and gives its result; the lock is free again after it', async () => {
    expect(await exclusively(db.sql, 'test-round', async () => 'ran')).toBe('ran');
    expect(await exclusively(db.sql, 'test-round', async () => 'again')).toBe('again');
  });

  if (kind === 'postgres')
    test('while another process runs the round, this one skips it', async () => {
      const other = createPgSql({ connectionString: db.connectionString! });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const first = exclusively(other, 'test-round', async () => {
        started();
        await held;
        return 'first';
      });
      await running;
      expect(await exclusively(db.sql, 'test-round', async () => 'second')).toBeUndefined();
      release();
      expect(await first).toBe('first');
      await other.close();
    });
});
