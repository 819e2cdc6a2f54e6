import { Client } from 'pg';
import { createTestSql } from '../../../test/support/pg';
import { eventStoreContract } from '../event-store.contract';
import { createPostgresEventStore } from './postgres';

eventStoreContract('postgres', async () => {
  const t = await createTestSql('postgres');
  const store = createPostgresEventStore(t.sql);
  return {
    store,
    sql: t.sql,
    concurrentWriters: true,
    async holdOpenAppend(streamId, events) {
      const client = new Client({ connectionString: t.connectionString });
      await client.connect();
      await client.query('begin');
      await client.query('select * from mx_append($1, -2, $2::jsonb)', [streamId, JSON.stringify(events)]);
      return {
        async commit() {
          await client.query('commit');
          await client.end();
        },
      };
    },
    async dispose() {
      await store.close();
      await t.dispose();
    },
  };
});
