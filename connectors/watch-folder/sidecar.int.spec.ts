import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJson } from '../../events/envelope';
import { createWatchFolderFixture, eventually, sleep, type WatchFolderFixture } from './testing/fixture';

const SIDECAR = `<?xml version="1.0" encoding="UTF-8"?>
<sidecar xmlns="urn:mxhub:sidecar:1" version="2">
  <title>Evening news</title><materialId>NEWS-0042</materialId><priority>3</priority>
  <destinations><destination>broadcast</destination></destinations>
</sidecar>`;
const MARKER = 'LEAK-MARKER-7f3a';
const XXE = `<?xml version="1.0"?><!DOCTYPE sidecar [<!ENTITY xxe "${MARKER}">]>
<sidecar xmlns="urn:mxhub:sidecar:1" version="1"><title>&xxe;</title><materialId>M-1</materialId></sidecar>`;

const typesOf = (stream: { type: string }[]) => stream.map((e) => e.type);

describe('watch-folder connector: XML sidecars', () => {
  let fx: WatchFolderFixture;
  beforeAll(async () => {
    fx = await createWatchFolderFixture();
  });
  afterAll(() => fx.dispose());

  it('claims a media file and its late sidecar as one unit and records SidecarParsed', async () => {
    const root = await fx.newRoot();
    await fx.connector({ root, sidecarWaitMs: 3000 }).start();
    const drop = join(root, 'drop', 'broadcast');
    await writeFile(join(drop, 'news.mxf'), 'media bytes');
    // The sidecar comes a while after its media, well inside the wait.
    await sleep(700);
    await writeFile(join(drop, 'news.xml'), SIDECAR);

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('news.mxf');
      return assets[0]?.length === 3 && assets;
    });
    expect(typesOf(stream!)).toEqual(['AssetDetected', 'AssetIngested', 'SidecarParsed']);
    const [, ingested, parsed] = stream!;
    const assetId = (parsed!.data as { assetId: string }).assetId;
    expect(parsed!.data).toEqual({
      assetId,
      sidecar: {
        title: 'Evening news',
        materialId: 'NEWS-0042',
        priority: 3,
        destinations: ['broadcast'],
        extra: [],
      },
    });
    expect(parsed!.metadata.causationId).toBe(ingested!.id);
    expect(await readdir(drop)).toEqual([]);
    expect((await readdir(join(root, '.mxhub', 'staging', assetId))).sort()).toEqual(['news.mxf', 'news.xml']);
    // The sidecar is the media's metadata, not an asset of its own.
    expect(await fx.assetsNamed('news.xml')).toHaveLength(0);
  });

  it('quarantines the media with a sidecar that has a DOCTYPE, without leaking its content', async () => {
    const root = await fx.newRoot();
    await fx.connector({ root, sidecarWaitMs: 3000 }).start();
    const drop = join(root, 'drop', 'broadcast');
    // Sidecar first this time: it waits for its media too.
    await writeFile(join(drop, 'hostile.xml'), XXE);
    await writeFile(join(drop, 'hostile.mxf'), 'media bytes');

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('hostile.mxf');
      return assets[0]?.length === 4 && assets;
    });
    expect(typesOf(stream!)).toEqual(['AssetDetected', 'AssetIngested', 'AssetScreened', 'AssetQuarantined']);
    const [, , screened, quarantined] = stream!;
    const assetId = (screened!.data as { assetId: string }).assetId;
    const quarantine = join(root, '.mxhub', 'quarantine', assetId);
    expect(screened!.data).toMatchObject({ assetId, stage: 'sidecar', passed: false, rule: 'sidecar.doctype' });
    expect(quarantined!.data).toMatchObject({
      assetId,
      stage: 'sidecar',
      rule: 'sidecar.doctype',
      quarantinePath: join(quarantine, 'hostile.mxf'),
    });
    expect((quarantined!.data as { reason: string }).reason).toMatch(/DOCTYPE/);
    expect(JSON.stringify(stream!.map(toJson))).not.toContain(MARKER);

    expect(await readdir(drop)).toEqual([]);
    expect((await readdir(quarantine)).sort()).toEqual(['hostile.mxf', 'hostile.xml']);
    expect((await stat(quarantine)).mode & 0o077).toBe(0);
  });

  it('takes media alone once the sidecar wait is over', async () => {
    const root = await fx.newRoot();
    await fx.connector({ root, sidecarWaitMs: 500 }).start();
    await writeFile(join(root, 'drop', 'broadcast', 'lonely.wav'), 'no metadata');

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('lonely.wav');
      return assets[0]?.length === 2 && assets;
    });
    await sleep(500);
    expect(typesOf((await fx.assetsNamed('lonely.wav'))[0]!)).toEqual(typesOf(stream!));
  });
});
