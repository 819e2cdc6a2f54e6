import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mxhub, startHub, type HubProcess } from '../support/hub-process';
import { cleanMedia } from '../support/media-corpus';

interface Drop {
  name: string;
  network: string;
  target: string;
  state: string;
  waitingFor: string;
  waitingForSidecarUntil: string | null;
}

/**
 * The seconds between a drop and its claim are visible (issue 11 item 10):
 * a file dropped without a sidecar is listed as detected at once, then as
 * waiting for its sidecar until a time (in the API and the log), then
 * becomes an asset whose timeline and state the API and the CLI show.
 */
describe('a dropped file on an embedded hub: seen at once, waiting for its sidecar, then an asset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-drops-'));
  let hub: HubProcess;
  let auth: Record<string, string>;
  const env = { MXHUB_ADMIN_TOKEN: 'drops-e2e-admin-token-0123456789abcdef' };

  const get = async <T>(path: string): Promise<T> =>
    (await fetch(`${hub.url}${path}`, { headers: auth })).json() as Promise<T>;
  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    let value = await read();
    while (!ok(value) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      value = await read();
    }
    return value;
  }

  beforeAll(async () => {
    // The sidecar wait counts from first sight; one longer than the stability window leaves a visible wait.
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ connectors: { stabilityMs: 1000, sidecarWaitMs: 5000 } }));
    hub = await startHub(['--data', dataDir, '--config', config], env);
    auth = { authorization: `Bearer ${env.MXHUB_ADMIN_TOKEN}` };
  });
  afterAll(async () => {
    await hub?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(tmpdir(), `mxhub-media-${process.pid}`), { recursive: true, force: true });
  });

  test('GET /v1/drops lists it within 1 s, then until when it waits; then it is an asset with a timeline', async () => {
    const dropped = Date.now();
    writeFileSync(join(dataDir, 'networks', 'news', 'drop', 'broadcast', 'lonely.mxf'), Buffer.alloc(2048, 3));

    const seen = await until(
      () => get<{ items: Drop[] }>('/v1/drops'),
      (p) => p.items.some((d) => d.name === 'lonely.mxf'),
      1000,
    );
    expect(Date.now() - dropped).toBeLessThan(1500);
    expect(seen.items.find((d) => d.name === 'lonely.mxf')).toMatchObject({
      network: 'news',
      target: 'broadcast',
      state: 'detected',
    });

    const waiting = await until(
      () => get<{ items: Drop[] }>('/v1/drops?network=news'),
      (p) => p.items.some((d) => d.waitingFor === 'sidecar'),
      5000,
    );
    const until5s = waiting.items.find((d) => d.name === 'lonely.mxf')!.waitingForSidecarUntil;
    expect(Date.parse(until5s!) - Date.now()).toBeGreaterThan(2000);
    expect(hub.logs.join('')).toContain(`drop/broadcast/lonely.mxf: waiting for sidecar until ${until5s}`);

    // The wait ends: claimed alone, off the drop list, an asset (quarantined: 2 KiB of one byte is no MXF).
    type Asset = { assetId: string; originalName: string; state: string };
    const assets = await until(
      () => get<{ items: Asset[] }>('/v1/assets?sourceNetwork=news'),
      (p) => p.items.some((a) => a.originalName === 'lonely.mxf' && a.state === 'quarantined'),
      20_000,
    );
    const asset = assets.items.find((a) => a.originalName === 'lonely.mxf')!;
    expect(asset.state).toBe('quarantined');
    expect((await get<{ items: Drop[] }>('/v1/drops')).items).toEqual([]);

    const timeline = await until(
      () => get<{ items: Array<{ type: string }>; next: string | null }>(`/v1/assets/${asset.assetId}/timeline`),
      (p) => p.items.some((e) => e.type === 'AssetQuarantined'),
      5000,
    );
    expect(timeline.items[0]!.type).toBe('AssetDetected');
    expect(timeline.items.map((e) => e.type)).toContain('AssetQuarantined');

    // The CLI shows the same through the hub's API.
    const shown = await mxhub(['assets', 'show', 'lonely.mxf', '--data', dataDir], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(asset.assetId);
    expect(shown.stdout).toMatch(/state\s+quarantined/);
    const quarantine = await mxhub(['quarantine', '--data', dataDir], env);
    expect(quarantine.stdout).toContain('lonely.mxf');
  });

  test('a clean file is delivered: the asset says so, lists its transfer and path, and tasks show its name', async () => {
    writeFileSync(join(dataDir, 'networks', 'news', 'drop', 'broadcast', 'tone.wav'), cleanMedia().wav);
    type Asset = { assetId: string; originalName: string; state: string };
    const assets = await until(
      () => get<{ items: Asset[] }>('/v1/assets?state=delivered'),
      (p) => p.items.some((a) => a.originalName === 'tone.wav'),
      60_000,
    );
    const { assetId } = assets.items.find((a) => a.originalName === 'tone.wav')!;
    const asset = await get<{ state: string; transfers: Array<Record<string, unknown>> }>(`/v1/assets/${assetId}`);
    expect(asset.state).toBe('delivered');
    expect(asset.transfers).toEqual([
      {
        transferId: expect.any(String),
        targetNetwork: 'broadcast',
        state: 'succeeded',
        path: expect.stringMatching(/inbox\/tone\.wav$/),
      },
    ]);
    const timeline = await until(
      () => get<{ items: Array<{ type: string; streamId: string }> }>(`/v1/assets/${assetId}/timeline?limit=1000`),
      (p) => p.items.some((e) => e.type === 'TransferCompleted'),
      5000,
    );
    const types = timeline.items.map((e) => e.type);
    expect(types.indexOf('AssetCleared')).toBeLessThan(types.indexOf('TransferRequested'));
    expect(types.indexOf('TransferRequested')).toBeLessThan(types.indexOf('TransferCompleted'));
    expect(timeline.items.find((e) => e.type === 'TransferCompleted')!.streamId).toBe(
      `transfer-${asset.transfers[0]!.transferId as string}`,
    );

    const tasks = await mxhub(['tasks', 'list', '--asset', assetId, '--data', dataDir], env);
    expect(tasks.code).toBe(0);
    expect(tasks.stdout).toMatch(new RegExp(`tone\\.wav\\s+${assetId}\\s+succeeded`));

    // The catalog search from the CLI: the words, a scope, and a clear error for a wrong value.
    const found = await mxhub(['assets', 'list', '--search', 'TONE', '--held-in', 'broadcast', '--data', dataDir], env);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain(assetId);
    expect(found.stdout).not.toContain('lonely.mxf');
    const none = await mxhub(['assets', 'list', '--search', 'tone', '--type', 'image', '--data', dataDir], env);
    expect(none.stdout).toBe('no assets\n');
    const wrong = await mxhub(['assets', 'list', '--type', 'film', '--data', dataDir], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/type/);
  });
});
