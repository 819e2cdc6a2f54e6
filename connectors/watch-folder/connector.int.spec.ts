import { createHash } from 'node:crypto';
import { appendFile, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWatchFolderFixture, eventually, sleep, type WatchFolderFixture } from './testing/fixture';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('watch-folder connector', () => {
  let fx: WatchFolderFixture;
  beforeAll(async () => {
    fx = await createWatchFolderFixture();
  });
  afterAll(() => fx.dispose());

  it('turns a dropped file into AssetDetected and AssetIngested, claimed out of the drop folder', async () => {
    const root = await fx.newRoot();
    const connector = fx.connector({ root });
    await connector.start();
    const content = Buffer.from('clip content '.repeat(1000));
    const dropped = join(root, 'drop', 'broadcast', 'clip-1.mxf');
    await writeFile(dropped, content);

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('clip-1.mxf');
      return assets[0]?.length === 2 && assets;
    });
    const [detected, ingested] = stream!;
    const assetId = (detected!.data as { assetId: string }).assetId;
    expect(detected!.type).toBe('AssetDetected');
    expect(detected!.data).toEqual({
      assetId,
      sourceNetwork: 'news',
      targets: ['broadcast'],
      originalName: 'clip-1.mxf',
      sizeBytes: content.length,
    });
    const stagedPath = join(root, '.mxhub', 'staging', assetId, 'clip-1.mxf');
    expect(ingested!.type).toBe('AssetIngested');
    expect(ingested!.data).toEqual({ assetId, stagedPath, sizeBytes: content.length, sha256: sha256(content) });
    expect(detected!.streamId).toBe(`asset-${assetId}`);
    expect(detected!.metadata).toMatchObject({ actor: 'connector:news', correlationId: assetId, causationId: assetId });
    expect(ingested!.metadata).toMatchObject({ correlationId: assetId, causationId: detected!.id });

    expect(await exists(dropped)).toBe(false);
    expect(await readFile(stagedPath)).toEqual(content);
    // The staging area is the hub's alone: nobody else may enter it.
    expect((await stat(join(root, '.mxhub', 'staging', assetId))).mode & 0o077).toBe(0);
  });

  it('takes a file dropped straight into drop/ for the pool: claimed and hashed, with no target (issue 13)', async () => {
    const root = await fx.newRoot();
    await fx.connector({ root }).start();
    const content = Buffer.from('pool material '.repeat(500));
    const dropped = join(root, 'drop', 'interview.wav');
    await writeFile(dropped, content);

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('interview.wav');
      return assets[0]?.length === 2 && assets;
    });
    const [detected, ingested] = stream!;
    const assetId = (detected!.data as { assetId: string }).assetId;
    expect(detected!.data).toMatchObject({ sourceNetwork: 'news', targets: [], originalName: 'interview.wav' });
    const stagedPath = join(root, '.mxhub', 'staging', assetId, 'interview.wav');
    expect(ingested!.data).toEqual({ assetId, stagedPath, sizeBytes: content.length, sha256: sha256(content) });
    expect(await exists(dropped)).toBe(false);
    expect(await readFile(stagedPath)).toEqual(content);
  });

  it('waits for a growing file to be stable and hashes all of it', async () => {
    const root = await fx.newRoot();
    const connector = fx.connector({ root, stabilityMs: 600 });
    await connector.start();
    const dropped = join(root, 'drop', 'broadcast', 'growing.mxf');
    const chunks: Buffer[] = [];
    for (let step = 0; step < 8; step++) {
      const chunk = Buffer.from(`step ${step} `.repeat(500));
      chunks.push(chunk);
      await appendFile(dropped, chunk);
      await sleep(200);
      expect(await fx.assetsNamed('growing.mxf')).toHaveLength(0);
      expect(await exists(dropped)).toBe(true);
    }
    const whole = Buffer.concat(chunks);

    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('growing.mxf');
      return assets[0]?.length === 2 && assets;
    });
    expect(stream![1]!.data).toMatchObject({ sizeBytes: whole.length, sha256: sha256(whole) });
  });

  it('ignores temporary and hidden names', async () => {
    const root = await fx.newRoot();
    const connector = fx.connector({ root });
    await connector.start();
    const drop = join(root, 'drop', 'broadcast');
    const temporary = ['upload.mxf.part', 'edit.mxf~', '.hidden.mxf', 'copy.TMP'];
    for (const name of temporary) await writeFile(join(drop, name), 'not yet');
    await writeFile(join(drop, 'real.mxf'), 'complete');

    await eventually(async () => (await fx.assetsNamed('real.mxf')).length === 1);
    // The usual upload pattern: a temporary name, renamed once complete.
    await rename(join(drop, 'upload.mxf.part'), join(drop, 'upload.mxf'));
    await eventually(async () => (await fx.assetsNamed('upload.mxf'))[0]?.length === 2);
    await writeFile(join(drop, 'upload.mxf.part'), 'not yet');
    await sleep(1000);
    for (const name of temporary) {
      expect(await fx.assetsNamed(name)).toHaveLength(0);
      expect(await exists(join(drop, name))).toBe(true);
    }
  });

  it('picks up files dropped while the connector was down', async () => {
    const root = await fx.newRoot();
    const first = fx.connector({ root });
    await first.start();
    await first.stop();
    await writeFile(join(root, 'drop', 'broadcast', 'while-down.wav'), 'dropped during downtime');

    const second = fx.connector({ root });
    await second.start();
    await eventually(async () => (await fx.assetsNamed('while-down.wav'))[0]?.length === 2);
    expect(await readdir(join(root, 'drop', 'broadcast'))).toEqual([]);
  });

  it('never ingests the same file twice, across restarts and a second connector', async () => {
    const root = await fx.newRoot();
    await fx.connector({ root }).start();
    // A second connector on the same folders races the first for every file.
    await fx.connector({ root }).start();
    await writeFile(join(root, 'drop', 'broadcast', 'once.mxf'), 'exactly once');
    await eventually(async () => (await fx.assetsNamed('once.mxf'))[0]?.length === 2);

    for (let restart = 0; restart < 2; restart++) {
      const again = fx.connector({ root });
      await again.start();
      await sleep(1000);
      await again.stop();
    }
    expect(await fx.assetsNamed('once.mxf')).toHaveLength(1);
  });
});
