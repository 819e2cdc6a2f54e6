import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createInProcessBackbone } from '../../events/backbone/adapters/in-process';
import { readAnchors, type Anchor } from '../../events/integrity/anchors';
import { createCheckpointer } from '../../events/integrity/checkpointer';
import { loadSigningKey } from '../../events/integrity/keys';
import { createSqlEventStore } from '../../events/store/sql-event-store';
import { createPgSql } from '../../lib/db/adapters/pg';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import type { Sql } from '../../lib/db/sql';
import { uuidv7 } from '../../lib/ids';
import { migrateLatest } from '../../migrations/run';
import { deleted, detected } from '../support/events';
import { mxhub, startHub, type HubProcess } from '../support/hub-process';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { settled } from '../support/settle';
import { cutLogAfter, rehashStream, tamper } from '../support/tamper';

/** Appends `n` asset streams of two events each; returns their ids. */
async function append(sql: Sql, n: number): Promise<string[]> {
  const store = createSqlEventStore(sql);
  const ids = Array.from({ length: n }, () => `asset-${uuidv7()}`);
  let last = 0n;
  for (const s of ids) last = (await store.append(s, [detected(s), deleted(s)])).lastPosition;
  await settled(store, last);
  return ids;
}

/** Opens the stopped embedded hub's database (no second process may open it while one runs). */
async function withEmbedded<T>(dataDir: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = await createPGliteSql({ dataDir: join(dataDir, 'pg') });
  try {
    await migrateLatest(sql);
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

async function anchorsOf(file: string): Promise<Anchor[]> {
  const out: Anchor[] = [];
  for await (const a of readAnchors(file)) out.push(a);
  return out;
}

const named = (a: Anchor) => `seq ${a.seq} at position ${a.position} (${a.eventCount} events)`;

async function checkpointCount(hub: HubProcess, dataDir: string): Promise<number> {
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const res = await fetch(`${hub.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { checkpoints: { count: number } }).checkpoints.count;
}

describe('the embedded hub exports its checkpoints and will not sign a log changed under them', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-anchors-'));
  const config = join(dataDir, 'config.json');
  const exportFile = join(dataDir, 'checkpoints.jsonl');
  const env = { MXHUB_ADMIN_TOKEN: '' };

  /** One life of the hub: it signs what is there at start, and again on its way down. */
  async function runOnce(): Promise<void> {
    const hub = await startHub(['--data', dataDir, '--config', config], env);
    try {
      for (let i = 0; i < 100 && (await checkpointCount(hub, dataDir)) === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      expect(await hub.stop()).toBe(0);
    }
  }

  test('an event edited under rehashed chains and its checkpoints deleted: verify fails, a restarted hub refuses to sign', async () => {
    writeFileSync(config, JSON.stringify({ checkpoints: { intervalMs: 60_000 } }));
    await withEmbedded(dataDir, (sql) => append(sql, 2));
    await runOnce();
    const later = await withEmbedded(dataDir, (sql) => append(sql, 2));
    await runOnce();

    const exported = await anchorsOf(exportFile);
    expect(exported.map((a) => a.eventCount)).toEqual(['4', '8']);
    const clean = await mxhub(['verify', '--data', dataDir, '--config', config], env);
    expect(clean).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/log verified: 8 events in 4 streams, 2 signed checkpoints hold, all 2 exported/),
    });
    const auditorCopy = join(dataDir, 'auditor-copy.jsonl');
    copyFileSync(exportFile, auditorCopy);

    await withEmbedded(dataDir, async (sql) => {
      const [victim] = await sql.query<{ event_id: string; position: string }>(
        'select event_id, position::text as position from mx_events where stream_id = $1 and version = 1',
        [later[0]],
      );
      await tamper(sql, `update mx_events set data = jsonb_set(data, '{sizeBytes}', '1') where event_id = $1`, [
        victim!.event_id,
      ]);
      await rehashStream(sql, later[0]!);
      await tamper(sql, 'delete from mx_log_checkpoints where position >= $1', [victim!.position]);
    });
    const missing = `the database lacks exported signed checkpoint(s): ${named(exported[1]!)}; they were deleted`;

    const stopped = await mxhub(['verify', '--data', dataDir, '--config', config], env);
    expect(stopped.stdout).toContain(`log BROKEN: first problem at position ${exported[1]!.position}: ${missing}`);
    expect(stopped.code).toBe(1);

    const hub = await startHub(['--data', dataDir, '--config', config], env);
    try {
      const ready = await fetch(`${hub.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        ready: false,
        checks: {
          integrity: {
            ok: false,
            detail: expect.stringContaining(
              `REFUSING TO SIGN: the database lacks the newest checkpoint exported, ${named(exported[1]!)}`,
            ),
          },
        },
      });
      expect(hub.logs.join('')).toMatch(/"level":50.*REFUSING to sign checkpoints/);
      expect(await checkpointCount(hub, dataDir)).toBe(1);

      const viaHub = await mxhub(['verify', '--data', dataDir, '--config', config], env);
      expect(viaHub.stdout).toContain(missing);
      expect(viaHub.code).toBe(1);
      const withCopy = await mxhub(['verify', '--data', dataDir, '--config', config, '--anchors', auditorCopy], env);
      expect(withCopy.stdout).toContain(missing);
      expect(withCopy.code).toBe(1);
    } finally {
      expect(await hub.stop()).toBe(0);
    }
    expect(await anchorsOf(exportFile)).toEqual(exported);
  });
});

describe('mxhub verify on PostgreSQL, held to an auditor’s anchors file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-anchors-pg-'));
  const anchorsFile = join(dataDir, 'auditor.jsonl');
  let db: TestDatabase;
  let sql: Sql;
  let config: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = createPgSql({ connectionString: db.url });
    await migrateLatest(sql);
    config = join(dataDir, 'config.json');
    // verify opens only the database: Redis and Kafka are named for the profile, never contacted.
    writeFileSync(
      config,
      JSON.stringify({
        profile: 'production',
        database: { url: db.url },
        redis: { url: 'redis://127.0.0.1:1' },
        kafka: { brokers: ['127.0.0.1:1'] },
      }),
    );
    const key = loadSigningKey(join(dataDir, 'checkpoint-key.pem'));
    const backbone = createInProcessBackbone();
    for (let batch = 0; batch < 3; batch++) {
      await append(sql, 3);
      const checkpointer = createCheckpointer(
        { sql, key, backbone, logger: pino({ level: 'silent' }) },
        { exportFile: anchorsFile, intervalMs: 3_600_000 },
      );
      checkpointer.start();
      await checkpointer.stop();
    }
    await backbone.close();
  });
  afterAll(async () => {
    await sql.close();
    await db.drop();
  });

  test('the newest events cut with their checkpoints, mx_streams fixed: verify names the checkpoints and events missing', async () => {
    const exported = await anchorsOf(anchorsFile);
    expect(exported.map((a) => a.eventCount)).toEqual(['6', '12', '18']);
    const args = ['verify', '--data', dataDir, '--config', config, '--anchors', anchorsFile];
    expect((await mxhub(args)).code).toBe(0);

    await cutLogAfter(sql, BigInt(exported[0]!.position));
    const emptyAnchors = join(dataDir, 'empty.jsonl');
    writeFileSync(emptyAnchors, '');
    const unanchored = await mxhub(['verify', '--data', dataDir, '--config', config, '--anchors', emptyAnchors]);
    expect(unanchored.code).toBe(0); // what the issue found: the database alone cannot tell

    const r = await mxhub(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `the database lacks exported signed checkpoint(s): 2 of them, ${named(exported[1]!)} to ${named(exported[2]!)}; they were deleted`,
    );
    expect(r.stdout).toContain(
      `the database's log holds 6 events up to there and ends at position ${exported[0]!.position}: 12 event(s) missing`,
    );
  });
});
