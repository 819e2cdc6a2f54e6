import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanCorpus, hostileCorpus, type Sample } from '../../support/media-corpus';
import {
  dropSamples,
  ensureSharedClamd,
  killHard,
  readEvents,
  startScreeningHub,
  streamOf,
  until,
  waitForOutcomes,
  writeHubConfig,
  type EventJson,
  type ScreeningHub,
} from './support';

const STAGE_ORDER = ['whitelist', 'intrusion', 'antivirus', 'analysis', 'sidecar'];

/** 40 files: six rounds of clean media, the hostile corpus, and one more hostile sample. */
function mixedSet(): Sample[] {
  const clean = [1, 2, 3, 4, 5, 6].flatMap((i) => cleanCorpus(`c${i}-`));
  return [...clean, ...hostileCorpus('h1-'), ...hostileCorpus('h2-').filter((s) => s.name === 'h2-voiceover.mov')];
}

/** The AssetScreened stages of one stream, in order, and its outcome events. */
function summarise(stream: EventJson[]) {
  const screened = stream.filter((e) => e.type === 'AssetScreened');
  return {
    stages: screened.map((e) => `${String(e.data.stage)}:${e.data.passed ? 'passed' : 'refused'}`),
    outcomes: stream.filter((e) => e.type === 'AssetCleared' || e.type === 'AssetQuarantined').map((e) => e.type),
  };
}

/** What a stream must hold for a sample screened exactly once. */
function expectedSummary(s: Sample) {
  if (s.expect.state === 'cleared') {
    const stages = STAGE_ORDER.filter((st) => st !== 'sidecar' || s.sidecar);
    return { stages: stages.map((st) => `${st}:passed`), outcomes: ['AssetCleared'] };
  }
  const { stage } = s.expect;
  // A sidecar refused at claim time is recorded by the connector before any other stage runs.
  const atClaim = stage === 'sidecar' && !s.expect.rule.endsWith('-mismatch');
  const before = atClaim ? [] : STAGE_ORDER.slice(0, STAGE_ORDER.indexOf(stage));
  return { stages: [...before.map((st) => `${st}:passed`), `${stage}:refused`], outcomes: ['AssetQuarantined'] };
}

describe('crash: kill -9 during screening, restart on the same data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-crash-'));
  // Two jobs at a time, so the kill lands while most assets are still waiting or mid-stage.
  const config = writeHubConfig(dataDir, { concurrency: 2 });
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null && h.hub.child.signalCode === null) await h.hub.stop();
  });

  test('every asset reaches exactly one verdict, each stage screened exactly once', async () => {
    const samples = mixedSet();
    expect(samples).toHaveLength(40);
    h = await startScreeningHub(dataDir, config);
    dropSamples(dataDir, samples);

    // Kill once some but not all assets have a verdict.
    const deadline = Date.now() + 90_000;
    let decided = 0;
    for (;;) {
      decided = (await readEvents(h, 'type=AssetCleared,AssetQuarantined')).length;
      if (decided >= 5) break;
      if (Date.now() > deadline) throw new Error(`only ${decided} verdicts after 90 s; the hub is not screening`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await killHard(h.hub);
    if (decided >= samples.length) {
      throw new Error(`all ${decided} assets had verdicts before the kill: the crash window was missed`);
    }

    h = await startScreeningHub(dataDir, config);
    const assets = await waitForOutcomes(
      h,
      samples.map((s) => s.name),
      180_000,
    );
    // One asset per dropped file: nothing lost, nothing ingested twice.
    expect(assets.map((a) => a.originalName).sort()).toEqual(samples.map((s) => s.name).sort());

    const actual: Record<string, unknown> = {};
    const wanted: Record<string, unknown> = {};
    for (const s of samples) {
      const asset = assets.find((a) => a.originalName === s.name)!;
      actual[s.name] = summarise(await streamOf(h, asset.assetId));
      wanted[s.name] = expectedSummary(s);
    }
    expect(actual).toEqual(wanted);

    const cleared = assets.filter((a) => a.state === 'cleared').map((a) => a.assetId);
    let transfers: EventJson[] = [];
    await until(
      async () => (transfers = await readEvents(h!, 'type=TransferRequested')).length >= cleared.length,
      `a TransferRequested for each of the ${cleared.length} cleared assets`,
      () => `${transfers.length} requested`,
    );
    expect(transfers.map((t) => String(t.data.assetId)).sort()).toEqual([...cleared].sort());
    expect(await h.hub.stop()).toBe(0);
  });
});
