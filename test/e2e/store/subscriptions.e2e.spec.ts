import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mxhub, startHub, type HubProcess } from '../../support/hub-process';
import { cleanMedia } from '../../support/media-corpus';

type Asset = { assetId: string; originalName: string; state: string };
type Timeline = { items: Array<{ type: string; summary: string }> };

/**
 * Subscriptions on a running embedded hub (issue 13 item 6): a network
 * receives the cleared assets its rule takes, from the pool or from another
 * network's drop, once; a backfill sends what was cleared before the rule.
 */
describe('subscriptions on an embedded hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-subscriptions-'));
  const env = { MXHUB_ADMIN_TOKEN: 'subscriptions-e2e-admin-token-0123456789' };
  const auth = { authorization: `Bearer ${env.MXHUB_ADMIN_TOKEN}` };
  const node = (network: string, ...path: string[]) => join(dataDir, 'networks', network, ...path);
  let hub: HubProcess;

  const call = async <T>(method: string, path: string, body?: object): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as T };
  };
  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    let value = await read();
    while (!ok(value) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }
  const assetNamed = async (name: string, states: string[]) =>
    (
      await until(
        async () => (await call<{ items: Asset[] }>('GET', '/v1/assets?limit=1000')).json,
        (p) => p.items.some((a) => a.originalName === name && states.includes(a.state)),
        60_000,
      )
    ).items.find((a) => a.originalName === name);
  const inbox = (network: string) => (existsSync(node(network, 'inbox')) ? readdirSync(node(network, 'inbox')) : []);
  const arrives = (network: string, name: string) =>
    until(
      async () => inbox(network),
      (files) => files.includes(name),
      60_000,
    );

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

  test('broadcast subscribes to *.wav from news: a wav dropped in the pool arrives, an mp4 does not', async () => {
    const made = await call<{ id: string }>('POST', '/v1/subscriptions', {
      network: 'broadcast',
      from: ['news'],
      match: { nameGlob: '*.wav' },
    });
    expect(made.status).toBe(201);
    const bad = await call<{ error: { message: string } }>('POST', '/v1/subscriptions', {
      network: 'broadcast',
      match: { nameGlob: '*.[wav' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^match\.nameGlob/);
    // The subscription is in the read model before anything is dropped.
    await until(
      async () => (await call<{ items: unknown[] }>('GET', '/v1/subscriptions')).json,
      (p) => p.items.length === 1,
      5000,
    );

    const media = cleanMedia();
    writeFileSync(node('news', 'drop', 'pool-tone.wav'), media.wav);
    writeFileSync(node('news', 'drop', 'pool-promo.mp4'), media.mp4);
    expect(await arrives('broadcast', 'pool-tone.wav')).toContain('pool-tone.wav');

    const wav = (await assetNamed('pool-tone.wav', ['cleared', 'delivered']))!;
    const timeline = await until(
      async () => (await call<Timeline>('GET', `/v1/assets/${wav.assetId}/timeline?limit=1000`)).json,
      (t) => t.items.some((e) => e.type === 'TransferCompleted'),
      10_000,
    );
    const types = timeline.items.map((e) => e.type);
    expect(types.indexOf('AssetCleared')).toBeLessThan(types.indexOf('SubscriptionMatched'));
    expect(types.indexOf('SubscriptionMatched')).toBeLessThan(types.indexOf('TransferRequested'));
    expect(timeline.items.find((e) => e.type === 'SubscriptionMatched')!.summary).toContain('network=broadcast');

    const mp4 = (await assetNamed('pool-promo.mp4', ['cleared']))!;
    expect(
      (await call<Timeline>('GET', `/v1/assets/${mp4.assetId}/timeline`)).json.items.map((e) => e.type),
    ).not.toContain('SubscriptionMatched');
    expect(inbox('broadcast')).not.toContain('pool-promo.mp4');
  });

  test('a wav news drops for broadcast is sent there once, though the subscription takes it too', async () => {
    writeFileSync(node('news', 'drop', 'broadcast', 'both.wav'), cleanMedia().wav);
    await arrives('broadcast', 'both.wav');
    const asset = (await assetNamed('both.wav', ['delivered']))!;
    // The subscription took it too (recorded on the asset), and that asked for the same transfer.
    const timeline = await until(
      async () => (await call<Timeline>('GET', `/v1/assets/${asset.assetId}/timeline?limit=1000`)).json,
      (t) => t.items.some((e) => e.type === 'SubscriptionMatched'),
      10_000,
    );
    expect(timeline.items.filter((e) => e.type === 'TransferRequested')).toHaveLength(1);
    const detail = await call<{ transfers: Array<{ targetNetwork: string }> }>('GET', `/v1/assets/${asset.assetId}`);
    expect(detail.json.transfers.map((t) => t.targetNetwork)).toEqual(['broadcast']);
    expect(inbox('broadcast').filter((f) => f.startsWith('both') && f.endsWith('.wav'))).toEqual(['both.wav']);
  });

  test('backfill: archive subscribes afterwards and gets the earlier wavs; the CLI lists both rules', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const added = await mxhub(
      ['subscriptions', 'add', '--to', 'archive', '--types', 'wav', '--backfill-since', since, '--data', dataDir],
      env,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/backfill: 2 of \d+ cleared assets matched/);
    await arrives('archive', 'pool-tone.wav');
    await arrives('archive', 'both.wav');
    expect(inbox('archive')).not.toContain('pool-promo.mp4');

    const listed = await mxhub(['subscriptions', 'list', '--data', dataDir], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/broadcast\s+yes\s+from news; \*\.wav/);
    expect(listed.stdout).toMatch(/archive\s+yes\s+types wav/);
  });
});
