import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type HubProcess } from '../../support/hub-process';
import { cleanMedia } from '../../support/media-corpus';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { writeHubConfig } from '../screening/support';
import { deleteRedisKeys } from '../transfer/redis';
import { ensureProductionServices, productionKeys, uniqueName } from '../transfer/support';

type Asset = { assetId: string; originalName: string; state: string };

/**
 * Browse renditions, picks and usage on a running hub of each profile (issue 14 items 3 and 5): a cleared pool
 * asset gets its proxy and waveform (on the production profile through the BullMQ `media` queue), a pick sent to
 * archive is fetched there by the store's consumer (the send's 202 already says so; on production the send reaches
 * it through the backbone), a mark by hand joins the send's own mark, and the usage report by department comes as a
 * CSV with a BOM.
 */
describe.each(['embedded', 'production'] as const)('renditions, picks and usage marks on the %s profile', (profile) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-usage-'));
  const prefix = uniqueName('usage');
  let db: TestDatabase | undefined;
  const env = { MXHUB_ADMIN_TOKEN: 'usage-e2e-admin-token-0123456789abcdef' };
  const auth = { authorization: `Bearer ${env.MXHUB_ADMIN_TOKEN}` };
  let hub: HubProcess;

  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) } as const;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
  const json = (r: { bytes: Buffer }): any => JSON.parse(r.bytes.toString('utf8'));
  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    let value = await read();
    while (!ok(value) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  beforeAll(async () => {
    const connectors = { stabilityMs: 200, sidecarWaitMs: 300, rescanMs: 1000 };
    let config = join(dataDir, 'config.json');
    if (profile === 'production') {
      await ensureProductionServices();
      db = await createTestDatabase();
      config = writeHubConfig(dataDir, { extra: { ...productionKeys(db, prefix), connectors } });
    } else {
      writeFileSync(config, JSON.stringify({ connectors }));
    }
    hub = await startHub(['--data', dataDir, '--config', config], env);
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
    if (profile === 'production') deleteRedisKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(tmpdir(), `mxhub-media-${process.pid}`), { recursive: true, force: true });
  });

  test('a picked pool asset sent to archive is fetched there; marks by hand and by the send are reported', async () => {
    writeFileSync(join(dataDir, 'networks', 'news', 'drop', 'pick me.wav'), cleanMedia().wav);
    const list = await until(
      async () => json(await call('GET', '/v1/assets?limit=1000')).items as Asset[],
      (items) => items.some((a) => a.originalName === 'pick me.wav' && a.state === 'cleared'),
      60_000,
    );
    const { assetId } = list.find((a) => a.originalName === 'pick me.wav')!;

    // Its browse renditions: an AAC proxy, served by ranges, and a waveform.
    type Made = { items: Array<{ kind: string; state: string; url: string | null; mediaType: string | null }> };
    const renditions = await until(
      async () => json(await call('GET', `/v1/assets/${assetId}/renditions`)) as Made,
      (r) => r.items.filter((i) => i.state === 'created').length === 2,
      60_000,
    );
    expect(renditions.items.map((i) => [i.kind, i.state, i.mediaType])).toEqual([
      ['proxy', 'created', 'audio/mp4'],
      ['waveform', 'created', 'image/png'],
    ]);
    const range = await fetch(`${hub.url}/v1/assets/${assetId}/proxy`, { headers: { ...auth, range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).length).toBe(100);

    const pick = json(await call('POST', '/v1/picks', { name: 'Evening' }));
    expect((await call('POST', `/v1/picks/${pick.id}/items`, { assetId })).status).toBe(200);
    const sent = await call('POST', `/v1/picks/${pick.id}/send`, { network: 'archive' });
    expect(sent.status).toBe(202);
    // The send waits up to 5 s for the store's answer; should it come later (a loaded machine), the pick tells it.
    const send = json(sent).answered
      ? json(sent)
      : await until(
          async () => json(await call('GET', `/v1/picks/${pick.id}`)).sends[0],
          (s: { answered: boolean }) => s.answered,
          60_000,
        );
    expect(send).toMatchObject({
      answered: true,
      items: [{ assetId, outcome: 'fetching', sourceNetwork: 'news' }],
    });
    const replicas = await until(
      async () => json(await call('GET', `/v1/assets/${assetId}/replicas`)).items as Array<{ network: string }>,
      (items) => items.some((r) => r.network === 'archive'),
      60_000,
    );
    expect(replicas).toContainEqual(expect.objectContaining({ network: 'archive', kind: 'cached', state: 'ok' }));

    const mark = { department: '新闻部', program: '民生新闻', where: 'CCTV-13 19:00' };
    expect((await call('POST', `/v1/assets/${assetId}/usage`, mark)).status).toBe(201);
    const marks = await until(
      async () => json(await call('GET', `/v1/assets/${assetId}/usage`)).items as Array<{ kind: string }>,
      (items) => items.length === 2,
      10_000,
    );
    expect(marks.map((m) => m.kind)).toEqual(['hand', 'pick']);

    const csv = await call('GET', '/v1/reports/usage?groupBy=department&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=usage-by-department/);
    expect(csv.bytes.toString('utf8')).toBe(
      '\uFEFFdepartment,count,hand,fetch,download,pick\r\n新闻部,1,1,0,0,0\r\n,1,0,0,0,1\r\n',
    );
  });
});
