import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIP_SECONDS,
  cleanCorpus,
  cleanMedia,
  hostileCorpus,
  sha256,
  sidecarXml,
  type Sample,
} from '../../support/media-corpus';
import {
  dropDir,
  dropSamples,
  ensureSharedClamd,
  listAssets,
  screeningOutcome,
  startScreeningHub,
  waitForOutcomes,
  writeHubConfig,
  type AssetJson,
  type ScreeningHub,
} from './support';

/** The outcome of each sample by name, in the shape of its expectation. */
function outcomes(samples: Sample[], assets: AssetJson[]) {
  return Object.fromEntries(
    samples.map((s) => {
      const a = assets.find((x) => x.originalName === s.name);
      const o =
        a?.state === 'quarantined'
          ? { state: a.state, stage: a.quarantine?.stage, rule: a.quarantine?.rule }
          : { state: a?.state };
      return [s.name, o];
    }),
  );
}

function pair(name: string, fields: { checksum?: string; duration?: string }, expect: Sample['expect']): Sample {
  const data = cleanMedia().mxf;
  return {
    name,
    data,
    target: 'broadcast',
    sidecar: sidecarXml({ title: `Sidecar of ${name}`, ...fields }),
    expect,
    why: 'an MXF with its sidecar',
  };
}

describe('restart pick-up and sidecar pairing', () => {
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
  });

  test('files dropped while the hub was down are claimed and screened at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-pickup-'));
    const config = writeHubConfig(dataDir);
    h = await startScreeningHub(dataDir, config);
    expect(await h.hub.stop()).toBe(0);

    const mxf = cleanMedia().mxf;
    const samples: Sample[] = [
      ...cleanCorpus('offline-'),
      ...hostileCorpus('offline-').filter((s) => ['offline-eicar.mxf', 'offline-xxe.mxf'].includes(s.name)),
      pair('offline-paired.mxf', { checksum: sha256(mxf), duration: String(CLIP_SECONDS) }, { state: 'cleared' }),
    ];
    dropSamples(dataDir, samples);

    h = await startScreeningHub(dataDir, config);
    const assets = await waitForOutcomes(
      h,
      samples.map((s) => s.name),
    );
    expect(outcomes(samples, assets)).toEqual(Object.fromEntries(samples.map((s) => [s.name, s.expect])));
    // Media and sidecars were taken as units: no sidecar became an asset of its own, nothing was left behind.
    expect(assets.map((a) => a.originalName).sort()).toEqual(samples.map((s) => s.name).sort());
    expect(readdirSync(dropDir(dataDir, 'broadcast'))).toEqual([]);
    const paired = assets.find((a) => a.originalName === 'offline-paired.mxf')!;
    expect(await h.get(`/v1/assets/${paired.assetId}`)).toMatchObject({
      sidecar: expect.objectContaining({ title: 'Sidecar of offline-paired.mxf', checksum: sha256(mxf) }),
    });
    expect(await h.hub.stop()).toBe(0);
  });

  test('a sidecar that agrees clears with its media; a wrong checksum or duration quarantines both', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-sidecar-'));
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir));
    const digest = sha256(cleanMedia().mxf);
    const samples = [
      pair('agrees.mxf', { checksum: digest, duration: '00:00:02:00' }, { state: 'cleared' }),
      pair(
        'wrong-checksum.mxf',
        { checksum: sha256(Buffer.from('something else')), duration: String(CLIP_SECONDS) },
        { state: 'quarantined', stage: 'sidecar', rule: 'sidecar.checksum-mismatch' },
      ),
      pair(
        'wrong-duration.mxf',
        { checksum: digest, duration: String(CLIP_SECONDS + 10) },
        { state: 'quarantined', stage: 'sidecar', rule: 'sidecar.duration-mismatch' },
      ),
    ];
    dropSamples(dataDir, samples);
    const assets = await waitForOutcomes(
      h,
      samples.map((s) => s.name),
    );
    expect(outcomes(samples, assets)).toEqual(Object.fromEntries(samples.map((s) => [s.name, s.expect])));
    expect(assets).toHaveLength(3);

    const agrees = assets.find((a) => a.originalName === 'agrees.mxf')!;
    const detail = await h.get<AssetJson>(`/v1/assets/${agrees.assetId}`);
    expect({ ...detail, state: screeningOutcome(detail.state) }).toMatchObject({
      state: 'cleared',
      sidecar: expect.objectContaining({ title: 'Sidecar of agrees.mxf', checksum: digest }),
    });
    for (const name of ['wrong-checksum', 'wrong-duration']) {
      const asset = assets.find((a) => a.originalName === `${name}.mxf`)!;
      // The sidecar that condemned the media is kept beside it.
      const kept = join(dataDir, 'networks', 'news', '.mxhub', 'quarantine', asset.assetId);
      expect(existsSync(kept) ? readdirSync(kept).sort() : `no ${kept}`).toEqual([`${name}.mxf`, `${name}.xml`]);
      expect(asset.quarantine?.reason).toMatch(name === 'wrong-checksum' ? /checksum/ : /duration/);
    }
    expect((await listAssets(h)).filter((a) => a.originalName.endsWith('.xml'))).toEqual([]);
    expect(await h.hub.stop()).toBe(0);
  });
});
