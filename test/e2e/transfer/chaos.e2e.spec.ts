import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import {
  dropDir,
  killHard,
  listAssets,
  startScreeningHub,
  writeHubConfig,
  type ScreeningHub,
} from '../screening/support';
import {
  checkInbox,
  describeTransfers,
  dropWav,
  ensureProductionServices,
  eventsOf,
  listTransfers,
  productionKeys,
  uniqueName,
  waitForTransfers,
  watchNames,
  type SourceFile,
} from './support';
import { deleteRedisKeys } from './redis';

const SMALL = 100;
/** Seconds of 48 kHz stereo PCM: ~120, ~200 and ~300 MB. */
const LARGE_SECONDS = [625, 1042, 1563];
const KILLS = 3;

/** Mixed sizes: mostly 0.2 to 2 MB, every tenth 5 to 15 MB, and a few of hundreds of MB. */
function plan(): Array<{ name: string; seconds: number }> {
  const small = Array.from({ length: SMALL }, (_, i) => ({
    name: `chaos-${String(i).padStart(3, '0')}.wav`,
    seconds: i % 10 === 9 ? 25 + (i % 3) * 25 : 1 + (i % 10),
  }));
  const large = LARGE_SECONDS.map((seconds, i) => ({ name: `chaos-large-${i}.wav`, seconds }));
  // Large files first, so the kills land while they are being copied.
  return [...large, ...small];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chaos: SIGKILL the production hub at random moments during 100+ transfers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-chaos-'));
  const prefix = uniqueName('chaos');
  const inbox = join(dataDir, 'networks', 'broadcast', 'inbox');
  let db: TestDatabase;
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureProductionServices();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null && h.hub.child.signalCode === null) await h.hub.stop();
    await db?.drop();
    deleteRedisKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every transfer ends succeeded, intact, delivered once, never visible half-written', async () => {
    // Deadlines inside the test end before jest's, so a failure says what state was reached.
    const testDeadline = Date.now() + 280_000;
    const files = plan();
    // The normal lane is capped so that copying lasts long enough for every kill to land mid-copy.
    const config = writeHubConfig(dataDir, {
      extra: { ...productionKeys(db, prefix), transfer: { laneMbps: { normal: 200, urgent: 200 } } },
    });
    const seen = watchNames(inbox);
    h = await startScreeningHub(dataDir, config);
    const sources: SourceFile[] = [];
    for (const f of files) sources.push(await dropWav(dropDir(dataDir, 'broadcast'), f.name, f.seconds));

    const log: string[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      // Wait for copying to be under way (a transfer started since this hub came up), then a random while longer.
      // A restarted hub may find nothing left to copy (the last transfers ended before the previous kill, or just
      // after its restart): that kill lands on an idle hub, which must come back as cleanly, and is logged so.
      const startedBefore = (await eventsOf(h, 'TransferStarted')).length;
      const deadline = Date.now() + 120_000;
      let idle = false;
      while ((await eventsOf(h, 'TransferStarted')).length === startedBefore) {
        const ts = await listTransfers(h);
        if (kill > 1 && ts.length >= files.length && ts.every((t) => t.state === 'succeeded')) {
          idle = true;
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(`kill ${kill}: no transfer started within 120 s; ${describeTransfers(ts)}\n${h.logs()}`);
        }
        await delay(200);
      }
      const wait = 500 + Math.floor(Math.random() * 4000);
      await delay(wait);
      const before = await listTransfers(h);
      const done = before.filter((t) => t.state === 'succeeded').length;
      log.push(
        `kill ${kill} after ${wait} ms${idle ? ' (every transfer had ended: an idle hub)' : ''}: ` +
          describeTransfers(before).split('\n')[0],
      );
      await killHard(h.hub);
      if (kill === 1 && done >= files.length) {
        throw new Error(`every transfer had succeeded before the first kill: the crash window was missed`);
      }
      h = await startScreeningHub(dataDir, config);
    }

    const hub = h;
    let transfers;
    try {
      transfers = await waitForTransfers(() => hub, files.length, Math.max(10_000, testDeadline - Date.now()));
    } catch (err) {
      throw new Error(`${(err as Error).message}\nkills:\n${log.join('\n')}`);
    }
    const seenNames = seen.stop();

    // Every transfer terminal and succeeded, one per asset.
    expect({ kills: log.length, states: describeTransfers(transfers) }).toEqual({
      kills: KILLS,
      states: `${files.length} transfers (succeeded: ${files.length})\n`,
    });
    const assets = await listAssets(hub);
    const assetByName = new Map(assets.map((a) => [a.originalName, a.assetId]));
    expect(new Set(transfers.map((t) => t.assetId)).size).toBe(files.length);
    expect(sources.every((s) => transfers.some((t) => t.assetId === assetByName.get(s.name)))).toBe(true);

    // Delivered once and intact: inbox holds each file and its sidecar, nothing else, hashes equal.
    expect(await checkInbox(inbox, sources)).toEqual([]);
    const completed = await eventsOf(hub, 'TransferCompleted');
    const perTransfer = new Map<string, number>();
    for (const e of completed)
      perTransfer.set(String(e.data.transferId), (perTransfer.get(String(e.data.transferId)) ?? 0) + 1);
    expect([...perTransfer].filter(([, n]) => n !== 1)).toEqual([]);
    expect(perTransfer.size).toBe(files.length);
    const replicas = (await eventsOf(hub, 'ReplicaStored')).filter((e) => e.data.network === 'broadcast');
    expect(new Set(replicas.map((e) => String(e.data.assetId))).size).toBe(files.length);
    expect(replicas.length).toBe(files.length);

    // No partial ever visible: every name seen in inbox/ is a final media or sidecar name.
    const finalNames = new Set(sources.flatMap((s) => [s.name, s.name.replace(/\.wav$/, '.xml')]));
    expect([...seenNames].filter((n) => !finalNames.has(n))).toEqual([]);
    expect(await hub.hub.stop()).toBe(0);
  }, 300_000);
});
