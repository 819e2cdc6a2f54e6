import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureBroker, randomName, sharedBroker } from '../../integration/backbone/support';
import { cleanCorpus, hostileCorpus, sha256, type Sample } from '../../support/media-corpus';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import {
  dropDir,
  dropSamples,
  engineVerdicts,
  ensureSharedClamd,
  expectNoLeaks,
  inboxFiles,
  listAssets,
  listQuarantine,
  readEvents,
  startScreeningHub,
  until,
  waitForOutcomes,
  writeHubConfig,
  type AssetJson,
  type EventJson,
  type ScreeningHub,
} from './support';

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Drops `samples`, waits for every verdict, and checks each against its expectation. */
async function screenCorpus(h: ScreeningHub, samples: Sample[]): Promise<void> {
  dropSamples(h.dataDir, samples);
  const assets = await waitForOutcomes(
    h,
    samples.map((s) => s.name),
    120_000,
  );
  const byName = new Map<string, AssetJson>(assets.map((a) => [a.originalName, a]));
  expect(assets).toHaveLength(samples.length);

  // Outcome per sample, as one table so a failure shows every mismatch at once.
  const outcome = (a: AssetJson | undefined) =>
    a?.state === 'quarantined'
      ? { state: a.state, stage: a.quarantine?.stage, rule: a.quarantine?.rule }
      : { state: a?.state };
  expect(Object.fromEntries(samples.map((s) => [s.name, outcome(byName.get(s.name))]))).toEqual(
    Object.fromEntries(samples.map((s) => [s.name, s.expect])),
  );

  // Transfer requests follow AssetCleared through the backbone, a moment later.
  const cleared = samples.filter((s) => s.expect.state === 'cleared').length;
  let transfers: EventJson[] = [];
  await until(
    async () => (transfers = await readEvents(h, 'type=TransferRequested')).length >= cleared,
    `a TransferRequested for each of the ${cleared} clean files`,
    () => `${transfers.length} requested`,
  );
  const quarantine = await listQuarantine(h);
  for (const s of samples) {
    const asset = byName.get(s.name)!;
    expect(asset).toMatchObject({ sha256: sha256(s.data), sourceNetwork: 'news', targets: [s.target] });
    const requested = transfers.filter((t) => t.data.assetId === asset.assetId);
    if (s.expect.state === 'cleared') {
      expect(asset.technical).toMatchObject({ container: expect.any(String) });
      const verdicts = engineVerdicts(asset.verdicts);
      expect(verdicts.map((v) => v.engine).sort()).toEqual(['clamav', 'yara-x']);
      for (const v of verdicts) {
        expect(v).toMatchObject({ outcome: 'clean', bytesCovered: s.data.length });
        expect(v.engineVersion).toMatch(/\S/);
        expect(v.engineVersion).not.toBe('unknown');
        expect(v.signatureVersion).toMatch(/\S/);
        expect(v.signatureVersion).not.toBe('unknown');
      }
      expect(requested.map((t) => t.data.targetNetwork)).toEqual([s.target]);
      expect(quarantine.find((q) => q.assetId === asset.assetId)).toBeUndefined();
    } else {
      expect(requested).toEqual([]);
      expect(quarantine.find((q) => q.assetId === asset.assetId)).toMatchObject({
        originalName: s.name,
        sha256: sha256(s.data),
        sourceNetwork: 'news',
        targets: [s.target],
        stage: s.expect.stage,
        rule: s.expect.rule,
        reason: expect.stringMatching(/\S{3}/),
      });
      // Kept under hub control, on the source node, byte for byte.
      const kept = join(h.dataDir, 'networks', 'news', '.mxhub', 'quarantine', asset.assetId, s.name);
      expect(existsSync(kept) && sha256(readFileSync(kept))).toBe(sha256(s.data));
    }
  }

  // Nothing hostile reached a target, and the drop folders were emptied.
  // Cleared files are delivered now, and some hostile samples reuse a clean file's bytes under a hostile name
  // or sidecar: those leak if their name arrives; any other hostile bytes leak if they arrive at all.
  const inbox = inboxFiles(h.dataDir);
  const deliveredNames = new Set(inbox.map((f) => basename(f.path)));
  const deliveredHashes = new Set(inbox.map((f) => f.sha256));
  const cleanHashes = new Set(samples.filter((s) => s.expect.state === 'cleared').map((s) => sha256(s.data)));
  const leaked = samples.filter(
    (s) =>
      s.expect.state !== 'cleared' &&
      (deliveredNames.has(s.name) || (deliveredHashes.has(sha256(s.data)) && !cleanHashes.has(sha256(s.data)))),
  );
  expect(leaked.map((s) => s.name)).toEqual([]);
  for (const target of new Set(samples.map((s) => s.target))) {
    expect(readdirSync(dropDir(h.dataDir, target))).toEqual([]);
  }

  // No file content or entity expansion in events, read models or logs.
  expectNoLeaks(JSON.stringify(await readEvents(h)), '/v1/events');
  expectNoLeaks(JSON.stringify(await listAssets(h)), '/v1/assets');
  expectNoLeaks(JSON.stringify(assets), '/v1/assets/{id}');
  expectNoLeaks(JSON.stringify(quarantine), '/v1/quarantine');
  expectNoLeaks(h.logs(), 'the hub log');
}

describe('screening the clean and hostile corpus end to end (embedded hub, real clamd)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-corpus-'));
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir));
  });
  afterAll(async () => {
    if (h) expect(await h.hub.stop()).toBe(0);
  });

  test('clears every clean file and quarantines every hostile one at its stage and rule', async () => {
    await screenCorpus(h!, [...cleanCorpus(), ...hostileCorpus()]);
  });
});

describe('screening a corpus on the production profile (PostgreSQL, Redis, Kafka, clamd)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-corpus-prod-'));
  let db: TestDatabase | undefined;
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
    await ensureBroker();
    db = await createTestDatabase();
    const config = writeHubConfig(dataDir, {
      extra: {
        profile: 'production',
        database: { url: db.url },
        redis: { url: REDIS_URL, prefix: `mxhub-test-${process.pid}-${Date.now()}` },
        kafka: { brokers: [sharedBroker.broker], topicPrefix: `${randomName('mxscreen.')}.` },
      },
    });
    h = await startScreeningHub(dataDir, config);
  });
  afterAll(async () => {
    if (h) expect(await h.hub.stop()).toBe(0);
    await db?.drop();
  });

  test('clears clean media and quarantines hostile samples with the same stages and rules', async () => {
    const pick = new Set(['eicar.mxf', 'eicar.zip', 'camera-a.mxf', 'bomb.zip', 'xxe.mxf', 'voiceover.mov']);
    const samples = [
      ...cleanCorpus().filter((s) => /\.(mxf|wav)$/.test(s.name)),
      ...hostileCorpus().filter((s) => pick.has(s.name)),
    ];
    await screenCorpus(h!, samples);
  });
});
