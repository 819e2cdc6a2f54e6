import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore } from '../../events/store/event-store';
import { UnavailableError } from '../../lib/errors';
import { createWatchFolderFixture, eventually, sleep, type WatchFolderFixture } from './testing/fixture';

const XXE = `<?xml version="1.0"?><!DOCTYPE sidecar [<!ENTITY x "x">]>
<sidecar xmlns="urn:mxhub:sidecar:1" version="1"><title>&x;</title><materialId>M-1</materialId></sidecar>`;

describe('watch-folder connector: claims left unfinished', () => {
  let fx: WatchFolderFixture;
  let appendsRefused = 0;
  let downStore: EventStore;
  beforeAll(async () => {
    fx = await createWatchFolderFixture();
    // The store as seen while the database is down: everything but append works.
    downStore = {
      ...fx.store,
      append: async () => {
        appendsRefused++;
        throw new UnavailableError('event store');
      },
    };
  });
  afterAll(() => fx.dispose());

  /** Runs a connector on a down store until it has tried to record `count` more claims. */
  async function claimWhileStoreIsDown(root: string, count: number) {
    const before = appendsRefused;
    const down = fx.connector({ root, store: downStore, sidecarWaitMs: 1000 });
    await down.start();
    return async () => {
      await eventually(async () => appendsRefused - before >= count);
      await down.stop();
    };
  }

  it('records a claimed file whose append failed at the next start, once', async () => {
    const root = await fx.newRoot();
    const content = Buffer.from('claimed while the store was down');
    const settle = await claimWhileStoreIsDown(root, 1);
    await writeFile(join(root, 'drop', 'broadcast', 'stranded.mxf'), content);
    await settle();
    expect(await readdir(join(root, 'drop', 'broadcast'))).toEqual([]);
    expect(await fx.assetsNamed('stranded.mxf')).toHaveLength(0);

    for (let start = 0; start < 2; start++) {
      const up = fx.connector({ root });
      await up.start();
      await up.stop();
    }
    const assets = await fx.assetsNamed('stranded.mxf');
    expect(assets).toHaveLength(1);
    expect(assets[0]!.map((e) => e.type)).toEqual(['AssetDetected', 'AssetIngested']);
    expect(assets[0]![1]!.data).toMatchObject({ sha256: createHash('sha256').update(content).digest('hex') });
    expect(await readdir(join(root, '.mxhub', 'claims'))).toEqual([]);
  });

  it('records a quarantined pair whose append failed, with its files in quarantine', async () => {
    const root = await fx.newRoot();
    const settle = await claimWhileStoreIsDown(root, 1);
    const drop = join(root, 'drop', 'broadcast');
    await writeFile(join(drop, 'bad.mxf'), 'media');
    await writeFile(join(drop, 'bad.xml'), XXE);
    await settle();

    const up = fx.connector({ root });
    await up.start();
    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('bad.mxf');
      return assets[0]?.length === 4 && assets;
    });
    expect(stream!.map((e) => e.type)).toEqual(['AssetDetected', 'AssetIngested', 'AssetScreened', 'AssetQuarantined']);
    const assetId = (stream![0]!.data as { assetId: string }).assetId;
    expect((await readdir(join(root, '.mxhub', 'quarantine', assetId))).sort()).toEqual(['bad.mxf', 'bad.xml']);
    await sleep(500);
    expect(await fx.assetsNamed('bad.xml')).toHaveLength(0);
  });
});
