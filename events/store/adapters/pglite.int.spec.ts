import { createTestSql } from '../../../test/support/pg';
import { eventStoreContract } from '../event-store.contract';
import { createPGliteEventStore } from './pglite';

eventStoreContract('pglite', async () => {
  const t = await createTestSql('pglite');
  const store = createPGliteEventStore(t.sql);
  return {
    store,
    sql: t.sql,
    concurrentWriters: false,
    async holdOpenAppend(streamId, events) {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let opened!: () => void;
      const isOpen = new Promise<void>((r) => (opened = r));
      const done = t.sql.transaction(async (tx) => {
        await tx.query('select * from mx_append($1, -2, $2::jsonb)', [streamId, JSON.stringify(events)]);
        opened();
        await released;
      });
      await isOpen;
      return {
        async commit() {
          release();
          await done;
        },
      };
    },
    async dispose() {
      await store.close();
      await t.dispose();
    },
  };
});
