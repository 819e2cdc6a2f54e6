import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgSql } from '../../lib/db/adapters/pg';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import { uuidv7 } from '../../lib/ids';
import { ensureBroker, randomName, readAllMessages, sharedBroker, until } from '../integration/backbone/support';
import { detected, deleted } from '../support/events';
import { mxhub, startHub } from '../support/hub-process';
import { createTestDatabase, type TestDatabase } from '../support/pg';

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function writeConfig(dir: string, config: object): string {
  const file = join(dir, `config-${randomName('')}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('mxhub start on the production profile (PostgreSQL, Redis, Kafka)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-prod-'));
  const topicPrefix = randomName('mxe2e.') + '.';
  let db: TestDatabase;

  beforeAll(async () => {
    await ensureBroker();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('is ready on the real services and relays committed events to Kafka, one topic per category', async () => {
    const config = writeConfig(dataDir, {
      profile: 'production',
      database: { url: db.url },
      redis: { url: REDIS_URL, prefix: `mxhub-test-${process.pid}-${Date.now()}` },
      kafka: { brokers: [sharedBroker.broker], topicPrefix },
      checkpoints: { intervalMs: 500 },
    });
    const hub = await startHub(['--data', dataDir, '--config', config]);
    const sql = createPgSql({ connectionString: db.url });
    try {
      const ready = await fetch(`${hub.url}/health/ready`);
      expect(await ready.json()).toMatchObject({
        ready: true,
        checks: {
          store: { ok: true, detail: 'postgres' },
          backbone: { ok: true, detail: 'kafka' },
          relay: { ok: true },
        },
      });
      expect(ready.status).toBe(200);

      const store = createPostgresEventStore(sql);
      const streams = [`asset-${uuidv7()}`, `asset-${uuidv7()}`];
      for (const s of streams) await store.append(s, [detected(s), deleted(s)]);
      const head = await store.headPosition();
      await until(async () => (await hub.status()).relay.position === head.toString(), 30_000, 'relay caught up');

      const messages = await readAllMessages(sharedBroker.broker, [`${topicPrefix}asset`]);
      expect(messages).toHaveLength(4);
      for (const s of streams) {
        expect(messages.filter((m) => m.key === s).map((m) => m.event.version)).toEqual([1, 2]);
      }
      const verify = await mxhub(['verify', '--config', config, '--data', dataDir]);
      expect(verify.stdout).toMatch(/log verified: 4 events in 2 streams/);
      expect(verify.code).toBe(0);

      // Every checkpoint signed went to the anchors file and, the same line, to Kafka's checkpoints topic.
      await until(() => existsSync(join(dataDir, 'checkpoints.jsonl')), 30_000, 'a checkpoint exported');
      const exported = readFileSync(join(dataDir, 'checkpoints.jsonl'), 'utf8').trimEnd().split('\n');
      const records = await readAllMessages(sharedBroker.broker, [`${topicPrefix}checkpoints`]);
      expect(records.map((m) => JSON.stringify(m.event))).toEqual(exported);
    } finally {
      await sql.close();
      expect(await hub.stop()).toBe(0);
    }
  });

  test('refuses to start without an engine its config names, naming it', async () => {
    const noKafka = writeConfig(dataDir, {
      profile: 'production',
      database: { url: db.url },
      redis: { url: REDIS_URL, prefix: `mxhub-test-${process.pid}-${Date.now()}` },
      kafka: { brokers: ['127.0.0.1:1'], topicPrefix },
    });
    const r = await mxhub(['start', '--data', dataDir, '--config', noKafka, '--port', '0']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Kafka at 127\.0\.0\.1:1 is unreachable/);

    const noRedis = writeConfig(dataDir, {
      profile: 'production',
      database: { url: db.url },
      redis: { url: 'redis://127.0.0.1:1' },
      kafka: { brokers: [sharedBroker.broker], topicPrefix },
    });
    const r2 = await mxhub(['start', '--data', dataDir, '--config', noRedis, '--port', '0']);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is unreachable/);

    const partial = await mxhub(['start', '--data', dataDir, '--port', '0'], {
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL,
      KAFKA_BROKERS: '',
    });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/KAFKA_BROKERS/);
  });
});
