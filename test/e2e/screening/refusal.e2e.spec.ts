import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPolicies } from '../../../services/screening/analysis/policy';
import { eicar } from '../../../services/screening/testing/corpus';
import { h264AacMp4, sha256 } from '../../support/media-corpus';
import {
  ADMIN_TOKEN,
  dropDir,
  ensureSharedClamd,
  listQuarantine,
  readEvents,
  startScreeningHub,
  streamOf,
  until,
  waitForOutcomes,
  writeHubConfig,
  type ScreeningHub,
} from './support';

/** A sidecar sending its media to broadcast and archive. */
const toBroadcastAndArchive = (title: string) =>
  Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<sidecar xmlns="urn:mxhub:sidecar:1" version="1">',
      `  <title>${title}</title>`,
      '  <materialId>MAT-2026-00714</materialId>',
      '  <destinations><destination>broadcast</destination><destination>archive</destination></destinations>',
      '</sidecar>',
      '',
    ].join('\n'),
  );

/*
 * Threat is not format (issue 14 item 1), on an embedded hub. Broadcast's
 * policy here names no transcode profile (the shipped one names XDCAM HD422):
 * a clean H.264/AAC MP4 for broadcast and archive is refused for broadcast
 * only (AssetRefused, shown in /v1/assets/{id}, absent from /v1/quarantine),
 * delivered to archive unchanged, and a hand send to broadcast is a 409
 * naming the rule. The same MP4 with EICAR inside is quarantined as before.
 */
describe('a format a target refuses is refused for that target, not quarantined', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-refusal-'));
  const inbox = (network: string) => join(dataDir, 'networks', network, 'inbox');
  const inboxNames = (network: string) => (existsSync(inbox(network)) ? readdirSync(inbox(network)).sort() : []);
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('refused for broadcast, delivered to archive; with EICAR inside, quarantined', async () => {
    const broadcast = { ...defaultPolicies.broadcast! };
    delete broadcast.transcode;
    const config = writeHubConfig(dataDir);
    const withPolicy = JSON.parse(readFileSync(config, 'utf8')) as { screening: Record<string, unknown> };
    withPolicy.screening.policies = { broadcast };
    writeFileSync(config, JSON.stringify(withPolicy));
    h = await startScreeningHub(dataDir, config);
    const hub = h;

    const mp4 = h264AacMp4();
    const drop = dropDir(dataDir, 'broadcast');
    mkdirSync(drop, { recursive: true });
    writeFileSync(join(drop, 'report.mp4'), mp4);
    writeFileSync(join(drop, 'report.xml'), toBroadcastAndArchive('Report'));
    writeFileSync(join(drop, 'tainted.mp4'), Buffer.concat([mp4, eicar()]));
    writeFileSync(join(drop, 'tainted.xml'), toBroadcastAndArchive('Tainted'));

    const assets = await waitForOutcomes(hub, ['report.mp4', 'tainted.mp4'], 120_000);
    const report = assets.find((a) => a.originalName === 'report.mp4')!;
    const tainted = assets.find((a) => a.originalName === 'tainted.mp4')!;

    // The sound file: cleared, refused for broadcast by its audio codec, nothing quarantined.
    expect(report).toMatchObject({ state: 'cleared', targets: ['broadcast', 'archive'], quarantine: null });
    await until(
      async () => inboxNames('archive').includes('report.mp4'),
      'report.mp4 in archive’s inbox',
      () => JSON.stringify(inboxNames('archive')),
      120_000,
    );
    expect(sha256(readFileSync(join(inbox('archive'), 'report.mp4')))).toBe(sha256(mp4));
    expect(inboxNames('broadcast')).toEqual([]);
    await until(
      async () => (await hub.get<{ state: string }>(`/v1/assets/${report.assetId}`)).state === 'delivered',
      'report.mp4 delivered (to archive, broadcast not waited for)',
    );
    const detail = await hub.get<Record<string, unknown>>(`/v1/assets/${report.assetId}`);
    expect(detail).toMatchObject({
      state: 'delivered',
      quarantine: null,
      refused: [
        {
          target: 'broadcast',
          rule: 'policy.audioCodec',
          reason: "target 'broadcast': audioCodec is aac; accepted: pcm",
        },
      ],
      renditions: [],
    });
    const types = (await streamOf(hub, report.assetId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['AssetRefused', 'AssetCleared']));
    expect(types).not.toContain('AssetQuarantined');
    expect(types.indexOf('AssetRefused')).toBeLessThan(types.indexOf('AssetCleared'));
    const requested = (await readEvents(hub, 'type=TransferRequested')).filter(
      (e) => e.data.assetId === report.assetId,
    );
    expect(requested.map((e) => e.data.targetNetwork)).toEqual(['archive']);

    // By hand: 409, naming the rule.
    const send = await fetch(`${hub.hub.url}/v1/assets/${report.assetId}/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ network: 'broadcast' }),
    });
    expect(send.status).toBe(409);
    expect(await send.text()).toMatch(/refused for 'broadcast'.*policy\.audioCodec/);

    // The hostile one: quarantined at antivirus, as before; the sound one is not in the quarantine.
    expect(tainted).toMatchObject({
      state: 'quarantined',
      quarantine: expect.objectContaining({ stage: 'antivirus', rule: 'antivirus.infected' }),
    });
    const quarantine = await listQuarantine(hub);
    expect(quarantine.map((q) => q.assetId)).toEqual([tainted.assetId]);
    expect((await streamOf(hub, tainted.assetId)).map((e) => e.type)).not.toContain('AssetRefused');
  }, 360_000);
});
