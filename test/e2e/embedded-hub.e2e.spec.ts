import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import { migrateLatest } from '../../migrations/run';
import { uuidv7 } from '../../lib/ids';
import { deleted, detected } from '../support/events';
import { mxhub, startHub } from '../support/hub-process';
import { tamper } from '../support/tamper';

/** Writes a few asset streams into the embedded database while no hub runs. */
async function seed(dataDir: string): Promise<string[]> {
  const sql = await createPGliteSql({ dataDir: join(dataDir, 'pg') });
  await migrateLatest(sql);
  const store = createPGliteEventStore(sql);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const s = `asset-${uuidv7()}`;
    await store.append(s, [detected(s), deleted(s)]);
    ids.push(s);
  }
  await sql.close();
  return ids;
}

describe('mxhub start on the embedded profile (a real process, a temporary data dir)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-'));
  let streams: string[];

  beforeAll(async () => {
    streams = await seed(dataDir);
  });

  test('serves /health/ready, guards /v1, verifies through its API, and stops cleanly on SIGTERM', async () => {
    const hub = await startHub(['--data', dataDir], { MXHUB_ADMIN_TOKEN: '' });
    try {
      const ready = await fetch(`${hub.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, checks: { store: { ok: true, detail: 'pglite' } } });
      expect((await fetch(`${hub.url}/v1/events`)).status).toBe(401);

      const tokenFile = join(dataDir, 'admin-token');
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      const events = await fetch(`${hub.url}/v1/events?limit=100`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await events.json()) as { items: unknown[] }).items).toHaveLength(6);
      const correlated = await fetch(`${hub.url}/health/live`, { headers: { 'x-correlation-id': 'e2e-corr-1' } });
      expect(correlated.headers.get('x-correlation-id')).toBe('e2e-corr-1');

      const verify = await mxhub(['verify', '--data', dataDir], { MXHUB_ADMIN_TOKEN: '' });
      expect(verify.stdout).toMatch(/log verified: 6 events in 3 streams/);
      expect(verify.code).toBe(0);
      const status = await mxhub(['status', '--data', dataDir, '--json'], { MXHUB_ADMIN_TOKEN: '' });
      expect(JSON.parse(status.stdout)).toMatchObject({ store: { events: 6 }, relay: { active: true } });

      // A file dropped by the news network for broadcast becomes an asset, claimed out of the drop folder.
      const drop = join(dataDir, 'networks', 'news', 'drop', 'broadcast');
      writeFileSync(join(drop, 'clip.mxf'), Buffer.alloc(4096, 7));
      const auth = { authorization: `Bearer ${token}` };
      let ingested: Array<{ data: { sha256: string } }> = [];
      for (let i = 0; i < 150 && ingested.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${hub.url}/v1/events?type=AssetIngested`, { headers: auth });
        ingested = ((await res.json()) as { items: typeof ingested }).items;
      }
      expect(ingested).toHaveLength(1);
      expect(ingested[0]!.data.sha256).toBe(createHash('sha256').update(Buffer.alloc(4096, 7)).digest('hex'));
      expect(existsSync(join(drop, 'clip.mxf'))).toBe(false);

      // Screened: 4 KiB of one byte value is no MXF, so deep analysis quarantines it.
      let clip: { state: string; originalName: string } | undefined;
      for (let i = 0; i < 150 && clip?.state !== 'quarantined'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${hub.url}/v1/assets?sourceNetwork=news`, { headers: auth });
        clip = ((await res.json()) as { items: Array<NonNullable<typeof clip>> }).items.find(
          (a) => a.originalName === 'clip.mxf',
        );
      }
      expect(clip).toMatchObject({ state: 'quarantined' });
    } finally {
      expect(await hub.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'hub.json'))).toBe(false);
  });

  test('verify holds on the stopped hub’s data and names the event after someone edits a row', async () => {
    const auditor = await mxhub(['verify', '--data', dataDir, '--public-key', join(dataDir, 'checkpoint-key.pub.pem')]);
    expect(auditor.stdout).toMatch(/13 events in 4 streams, [1-9]\d* signed checkpoints hold/);
    expect(auditor.code).toBe(0);
    const replay = await mxhub(['replay', '--data', dataDir]);
    expect(replay.stdout).toMatch(/read models match the log/);
    expect(replay.code).toBe(0);

    const sql = await createPGliteSql({ dataDir: join(dataDir, 'pg') });
    const [victim] = await sql.query<{ event_id: string }>(
      'select event_id from mx_events where stream_id = $1 and version = 2',
      [streams[1]],
    );
    await tamper(sql, `update mx_events set data = jsonb_set(data, '{reason}', '"rewritten"') where event_id = $1`, [
      victim!.event_id,
    ]);
    await sql.close();

    const verify = await mxhub(['verify', '--data', dataDir]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`event ${victim!.event_id}`);
    expect(verify.stdout).toMatch(/edited/);
  });

  test('an MXHUB_ADMIN_TOKEN shorter than 32 characters is refused with exit 2, naming the variable', async () => {
    const r = await mxhub(['start', '--data', dataDir], { MXHUB_ADMIN_TOKEN: 'too-short-a-token' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MXHUB_ADMIN_TOKEN is 17 characters long; an admin token needs at least 32/);
    expect(r.stderr).not.toContain('too-short-a-token');
  });

  test('a bad config key is named, and nothing starts', async () => {
    const file = join(dataDir, 'bad.json');
    writeFileSync(file, JSON.stringify({ netwroks: [] }));
    const r = await mxhub(['start', '--data', dataDir, '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key "netwroks" \(did you mean "networks"\?\)/);
  });
});
