import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type HubProcess } from '../../support/hub-process';
import { cleanMedia } from '../../support/media-corpus';

type Asset = { assetId: string; originalName: string; state: string };

/**
 * Picks and usage on a running embedded hub (issue 14 item 5): a pool asset
 * picked and sent to archive is fetched there by the store's consumer (the
 * send's 202 already says so), a mark by hand joins the send's own mark, and
 * the usage report by department comes as a CSV with a BOM.
 */
describe('picks and usage marks on an embedded hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-usage-'));
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
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ connectors: { stabilityMs: 200, sidecarWaitMs: 300, rescanMs: 1000 } }));
    hub = await startHub(['--data', dataDir, '--config', config], env);
  });
  afterAll(async () => {
    await hub?.stop();
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

    const pick = json(await call('POST', '/v1/picks', { name: 'Evening' }));
    expect((await call('POST', `/v1/picks/${pick.id}/items`, { assetId })).status).toBe(200);
    const sent = await call('POST', `/v1/picks/${pick.id}/send`, { network: 'archive' });
    expect(sent.status).toBe(202);
    expect(json(sent)).toMatchObject({
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
