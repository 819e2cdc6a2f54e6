import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanCorpus } from '../../support/media-corpus';
import {
  clamdScript,
  dropSamples,
  engineVerdicts,
  listAssets,
  pingClamd,
  startScreeningHub,
  streamOf,
  until,
  waitForOutcomes,
  writeHubConfig,
  type AssetJson,
  type ScreeningHub,
} from './support';

// A clamd of this file's own (its own port and run dir), so stopping it
// cannot disturb the suite's shared clamd or another test.
const PORT = Number(process.env.MXHUB_TEST_OWN_CLAMD_PORT ?? 13311);

describe('engine down: clamd stopped means not cleared; restarted, screening resumes without restarting the hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-engine-down-'));
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await clamdScript('start', PORT);
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir, { clamdPort: PORT, retryUnavailableMs: 500 }));
  });
  afterAll(async () => {
    try {
      if (h) expect(await h.hub.stop()).toBe(0);
    } finally {
      await clamdScript('stop', PORT);
    }
  });

  test('a clean file waits deferred while clamd is down and clears once it answers again', async () => {
    const hub = h!;
    // While clamd answers, a clean file clears with both engines (the hub really uses this clamd).
    const [before] = cleanCorpus('before-').filter((s) => s.name.endsWith('.wav'));
    dropSamples(dataDir, [before!]);
    const [cleared] = await waitForOutcomes(hub, [before!.name]);
    expect(cleared).toMatchObject({ state: 'cleared' });
    expect(engineVerdicts(cleared!.verdicts).map((v) => v.engine)).toContain('clamav');

    await clamdScript('stop', PORT);
    expect(await pingClamd(PORT)).toBe(false);

    const sample = cleanCorpus('while-down-')[0]!;
    dropSamples(dataDir, [sample]);
    let asset: AssetJson | undefined;
    const find = async () => (await listAssets(hub)).find((a) => a.originalName === sample.name);
    await until(
      async () => {
        asset = await find();
        if (!asset) return false;
        return (await streamOf(hub, asset.assetId)).some((e) => e.type === 'ScreeningDeferred');
      },
      'a ScreeningDeferred event for the asset',
      async () => `asset: ${JSON.stringify(asset ?? 'not ingested')}`,
    );
    const id = asset!.assetId;

    // Several retry periods later it is still not cleared: fail closed, never "clean".
    await new Promise((r) => setTimeout(r, 3000));
    const stream = await streamOf(hub, id);
    const deferred = stream.filter((e) => e.type === 'ScreeningDeferred');
    expect(deferred[0]!.data).toMatchObject({
      assetId: id,
      stage: 'antivirus',
      reason: expect.stringMatching(/clamav/i),
      retryInMs: 500,
    });
    expect(stream.map((e) => e.type)).not.toContain('AssetCleared');
    expect(stream.map((e) => e.type)).not.toContain('AssetQuarantined');
    expect(stream.filter((e) => e.type === 'AssetScreened' && e.data.stage === 'antivirus').map((e) => e.data)).toEqual(
      [],
    );
    expect(await hub.get<AssetJson>(`/v1/assets/${id}`)).toMatchObject({ state: 'screening' });

    await clamdScript('start', PORT);
    const [after] = await waitForOutcomes(hub, [sample.name], 60_000);
    expect(after).toMatchObject({ assetId: id, state: 'cleared' });
    const verdicts = engineVerdicts(after!.verdicts);
    expect(verdicts.map((v) => [v.engine, v.outcome]).sort()).toEqual([
      ['clamav', 'clean'],
      ['yara-x', 'clean'],
    ]);
    const final = await streamOf(hub, id);
    expect(final.filter((e) => e.type === 'AssetCleared')).toHaveLength(1);
    expect(final.filter((e) => e.type === 'AssetScreened' && e.data.stage === 'antivirus')).toHaveLength(1);
    // The same process did it: the hub never exited.
    expect(hub.hub.child.exitCode).toBeNull();
  });
});
