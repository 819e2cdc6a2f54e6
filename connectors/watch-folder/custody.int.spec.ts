import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent } from '../../events/envelope';
import { createWatchFolderFixture, eventually, sleep, type WatchFolderFixture } from './testing/fixture';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

type Refused = { path: string; rule: string; reason: string };

describe('watch-folder connector: custody of dropped files', () => {
  let fx: WatchFolderFixture;
  beforeAll(async () => {
    fx = await createWatchFolderFixture();
  });
  afterAll(() => fx.dispose());

  // Each test is its own network, so its refusals and assets are its own.
  let network = 'news';
  let count = 0;
  const connector = (root: string, options: Partial<Parameters<WatchFolderFixture['connector']>[0]> = {}) => {
    network = `news-${++count}`;
    return fx.connector({ root, network: { id: network, root }, ...options });
  };
  const assetsOfNetwork = async () =>
    (await fx.store.readAll({ category: 'asset' })).filter(
      (e) => e.type === 'AssetDetected' && (e.data as { sourceNetwork: string }).sourceNetwork === network,
    );
  const refusals = async (): Promise<Refused[]> =>
    (await fx.store.readStream(`network-${network}`))
      .filter((e) => e.type === 'DropRefused')
      .map((e) => e.data as Refused & { network: string })
      .map(({ path, rule, reason }) => ({ path, rule, reason }));
  const refusalsOf = async (path: string) => (await refusals()).filter((r) => r.path === path);
  const allEventsText = async () => JSON.stringify((await fx.store.readAll({})).map((e) => e.data));
  const ingestedOf = (stream: StoredEvent[]) =>
    stream.find((e) => e.type === 'AssetIngested')!.data as { sha256: string; stagedPath: string; sizeBytes: number };

  it('refuses a symbolic link without following it: nothing of its target reaches the log, the link stays', async () => {
    const root = await fx.newRoot();
    const secret = join(await fx.newRoot(), 'admin-token');
    await writeFile(secret, 'very secret token bytes');
    await connector(root, { rescanMs: 200 }).start();
    const link1 = join(root, 'drop', 'broadcast', 'export.mxf');
    await symlink(secret, link1);

    const [refusal] = await eventually(async () => {
      const r = await refusalsOf('drop/broadcast/export.mxf');
      return r.length > 0 && r;
    });
    expect(refusal!.rule).toBe('custody.not-regular-file');
    expect(refusal!.reason).toMatch(/symbolic link/);
    await sleep(800);
    // Said once, however many listings see it.
    expect(await refusalsOf('drop/broadcast/export.mxf')).toHaveLength(1);
    expect(await fx.assetsNamed('export.mxf')).toHaveLength(0);
    expect(await allEventsText()).not.toContain(sha256('very secret token bytes'));
    expect((await readdir(join(root, 'drop', 'broadcast'))).sort()).toEqual(['export.mxf']);
    expect(await readFile(secret, 'utf8')).toBe('very secret token bytes');
  });

  it('refuses a hard-linked file (custody.hard-linked) and leaves both names as they were', async () => {
    const root = await fx.newRoot();
    await connector(root, { rescanMs: 200 }).start();
    const outside = join(root, 'keeper.mxf');
    await writeFile(outside, 'clean at first');
    await link(outside, join(root, 'drop', 'broadcast', 'linked.mxf'));

    const [refusal] = await eventually(async () => {
      const r = await refusalsOf('drop/broadcast/linked.mxf');
      return r.length > 0 && r;
    });
    expect(refusal!.rule).toBe('custody.hard-linked');
    expect(await fx.assetsNamed('linked.mxf')).toHaveLength(0);
    expect(await exists(join(root, 'drop', 'broadcast', 'linked.mxf'))).toBe(true);
  });

  it('the pool (drop/ itself) refuses a symbolic link and a hard-linked file as a target folder does', async () => {
    const root = await fx.newRoot();
    const secret = join(await fx.newRoot(), 'admin-token');
    await writeFile(secret, 'pool secret bytes');
    await connector(root, { rescanMs: 200 }).start();
    await symlink(secret, join(root, 'drop', 'pooled-link.mxf'));
    const outside = join(root, 'keeper2.mxf');
    await writeFile(outside, 'clean at first');
    await link(outside, join(root, 'drop', 'pooled-hard.mxf'));

    const rules = await eventually(async () => {
      const soft = await refusalsOf('drop/pooled-link.mxf');
      const hard = await refusalsOf('drop/pooled-hard.mxf');
      return soft.length > 0 && hard.length > 0 && [soft[0]!.rule, hard[0]!.rule];
    });
    expect(rules).toEqual(['custody.not-regular-file', 'custody.hard-linked']);
    expect(await fx.assetsNamed('pooled-link.mxf')).toHaveLength(0);
    expect(await fx.assetsNamed('pooled-hard.mxf')).toHaveLength(0);
    expect(await allEventsText()).not.toContain(sha256('pool secret bytes'));
    expect(await readFile(secret, 'utf8')).toBe('pool secret bytes');
  });

  it('says once what it will not take: a FIFO, a sub-folder, a name that is not UTF-8, an unknown network, a FIFO in drop/ itself', async () => {
    const root = await fx.newRoot();
    await connector(root, { rescanMs: 200 }).start();
    const drop = join(root, 'drop');
    execFileSync('mkfifo', [join(drop, 'broadcast', 'pipe.mxf')]);
    await mkdir(join(drop, 'broadcast', 'folder'));
    await writeFile(join(drop, 'broadcast', 'folder', 'inner.mxf'), 'x');
    await writeFile(
      Buffer.concat([Buffer.from(join(drop, 'broadcast') + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.mxf')]),
      'x',
    );
    await mkdir(join(drop, 'nowhere'));
    await writeFile(join(drop, 'nowhere', 'lost.mxf'), 'x');
    // drop/ itself takes files for the pool (issue 13), and refuses there what it refuses in a target folder.
    execFileSync('mkfifo', [join(drop, 'loose.mxf')]);

    const expected = [
      { path: 'drop/broadcast/pipe.mxf', rule: 'custody.not-regular-file' },
      { path: 'drop/broadcast/folder', rule: 'drop.sub-folder' },
      { path: 'drop/broadcast/bad-\\xff\\xfe.mxf', rule: 'drop.bad-name' },
      { path: 'drop/nowhere', rule: 'drop.unknown-network' },
      { path: 'drop/nowhere/lost.mxf', rule: 'drop.unknown-network' },
      { path: 'drop/loose.mxf', rule: 'custody.not-regular-file' },
    ];
    await eventually(async () => (await refusals()).length >= expected.length);
    await sleep(800); // several more listings
    const said = await refusals();
    expect(said.map(({ path, rule }) => ({ path, rule })).sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [...expected].sort((a, b) => a.path.localeCompare(b.path)),
    );
    for (const r of said) expect(r.reason.length).toBeGreaterThan(5);
    // Left where they were dropped.
    expect(await exists(join(drop, 'broadcast', 'folder', 'inner.mxf'))).toBe(true);
    expect(await exists(join(drop, 'loose.mxf'))).toBe(true);
    expect(await assetsOfNetwork()).toHaveLength(0);
  });

  it('delivers what was hashed: a descriptor the dropper kept cannot change the staged copy', async () => {
    const root = await fx.newRoot();
    await connector(root).start();
    const dropped = join(root, 'drop', 'broadcast', 'sneaky.wav');
    const clean = Buffer.from('RIFF clean audio '.repeat(200));
    const handle = await open(dropped, 'w');
    try {
      await handle.write(clean, 0, clean.length, 0);
      const [stream] = await eventually(async () => {
        const assets = await fx.assetsNamed('sneaky.wav');
        return assets[0]?.length === 2 && assets;
      });
      const ingested = ingestedOf(stream!);
      // After the claim, the dropper rewrites "its" file through the descriptor it kept.
      const hostile = Buffer.from(EICAR.padEnd(clean.length, ' '));
      await handle.write(hostile, 0, hostile.length, 0);
      await handle.sync();
      expect(ingested.sha256).toBe(sha256(clean));
      expect(await readFile(ingested.stagedPath)).toEqual(clean);
      const staged = await stat(ingested.stagedPath);
      expect(staged.nlink).toBe(1);
      expect(staged.mode & 0o077).toBe(0);
    } finally {
      await handle.close();
    }
  });

  it('never claims a file under a temporary name, and claims it once it is renamed', async () => {
    const root = await fx.newRoot();
    await connector(root, { rescanMs: 200 }).start();
    const drop = join(root, 'drop', 'broadcast');
    for (const name of ['clip.mxf.part', 'clip2.mxf.crdownload', 'clip3.mxf.tmp'])
      await writeFile(join(drop, name), 'half');
    await sleep(1200);
    expect(await assetsOfNetwork()).toHaveLength(0);
    expect(await refusals()).toEqual([]);
    await writeFile(join(drop, 'clip2.mxf.crdownload'), 'whole file');
    await rename(join(drop, 'clip2.mxf.crdownload'), join(drop, 'clip2.mxf'));
    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('clip2.mxf');
      return assets[0]?.length === 2 && assets;
    });
    expect(ingestedOf(stream!).sha256).toBe(sha256('whole file'));
  });

  it('a writer that pauses while its file waits for a sidecar: the file is taken whole, once it is still again', async () => {
    const root = await fx.newRoot();
    await connector(root, { stabilityMs: 300, sidecarWaitMs: 1500 }).start();
    const dropped = join(root, 'drop', 'broadcast', 'paused.mxf');
    const handle = await open(dropped, 'w');
    await handle.write(Buffer.from('first half '));
    await sleep(900); // stable, and waiting for a sidecar that never comes
    await handle.write(Buffer.from('second half'));
    await handle.close();
    const [stream] = await eventually(async () => {
      const assets = await fx.assetsNamed('paused.mxf');
      return assets[0]?.length === 2 && assets;
    });
    expect(ingestedOf(stream!).sha256).toBe(sha256('first half second half'));
    await sleep(500);
    expect(await fx.assetsNamed('paused.mxf')).toHaveLength(1);
  });

  it('a claim that fails on a full disk leaves the file in place and no empty record, and is retried until it works', async () => {
    const root = await fx.newRoot();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', root]);
    try {
      await connector(root, { rescanMs: 200 }).start();
      const content = Buffer.alloc(700 * 1024, 7);
      const dropped = join(root, 'drop', 'broadcast', 'big.mxf');
      await writeFile(dropped, content);
      await sleep(1500); // stable, claimed, the copy fails for lack of space, and a retry or two
      expect(await fx.assetsNamed('big.mxf')).toHaveLength(0);
      expect(await readFile(dropped)).toEqual(content);
      const claims = await readdir(join(root, '.mxhub', 'claims')).catch(() => [] as string[]);
      for (const name of claims) expect((await stat(join(root, '.mxhub', 'claims', name))).size).toBeGreaterThan(0);

      execFileSync('mount', ['-o', 'remount,size=8m', root]);
      const [stream] = await eventually(async () => {
        const assets = await fx.assetsNamed('big.mxf');
        return assets[0]?.length === 2 && assets;
      }, 20_000);
      expect(ingestedOf(stream!).sha256).toBe(sha256(content));
      expect(await exists(dropped)).toBe(false);
    } finally {
      await fx.stopAll();
      execFileSync('umount', ['-l', root]);
    }
  });

  it('reports an unreadable claim record and sets it aside instead of skipping it', async () => {
    const root = await fx.newRoot();
    const claims = join(root, '.mxhub', 'claims');
    await mkdir(claims, { recursive: true });
    const name = '01a2351a-0000-7000-8000-000000000000.json';
    await writeFile(join(claims, name), '');
    await connector(root).start();
    expect(await readdir(claims)).toEqual([`${name}.unreadable`]);
  });

  it('finishes or undoes a claim a crash interrupted, from its record', async () => {
    const root = await fx.newRoot();
    const drop = join(root, 'drop', 'broadcast');
    await mkdir(drop, { recursive: true });
    // Crash 1: the original was taken aside, its copy never confirmed -> back to the drop folder, then claimed.
    const a = '01a2351a-0000-7000-8000-00000000000a';
    const claimingA = join(root, '.mxhub', 'staging', a, '.claiming');
    await mkdir(claimingA, { recursive: true });
    await writeFile(join(claimingA, '.dropped-one.mxf'), 'original one');
    await writeFile(join(claimingA, 'one.mxf'), 'orig'); // a partial copy
    const s = await stat(join(claimingA, '.dropped-one.mxf'));
    // Crash 2: the copy was confirmed and the original removed -> the copy is recorded.
    const b = '01a2351a-0000-7000-8000-00000000000b';
    const claimingB = join(root, '.mxhub', 'staging', b, '.claiming');
    await mkdir(claimingB, { recursive: true });
    await writeFile(join(claimingB, 'two.mxf'), 'copy two');
    const claims = join(root, '.mxhub', 'claims');
    await mkdir(claims, { recursive: true });
    const record = (assetId: string, media: string) =>
      JSON.stringify({ assetId, target: 'broadcast', media, source: { media: { dev: s.dev, ino: s.ino } } });
    await writeFile(join(claims, `${a}.json`), record(a, 'one.mxf'));
    await writeFile(join(claims, `${b}.json`), record(b, 'two.mxf'));

    await connector(root).start();
    const [one] = await eventually(async () => {
      const assets = await fx.assetsNamed('one.mxf');
      return assets[0]?.length === 2 && assets;
    });
    expect(ingestedOf(one!).sha256).toBe(sha256('original one'));
    const [two] = await fx.assetsNamed('two.mxf');
    expect(two!.map((e) => e.streamId)[0]).toBe(`asset-${b}`);
    expect(ingestedOf(two!).sha256).toBe(sha256('copy two'));
    // The record of the new claim of one.mxf goes right after its append.
    await eventually(async () => (await readdir(claims)).length === 0);
  });

  it('routes by the sidecar destinations, and refuses destinations the node may not send to', async () => {
    const root = await fx.newRoot();
    await connector(root, { targets: ['broadcast', 'archive'], sidecarWaitMs: 1500 }).start();
    const drop = join(root, 'drop', 'broadcast');
    const sidecar = (dest: string) => `<?xml version="1.0" encoding="UTF-8"?>
<sidecar xmlns="urn:mxhub:sidecar:1" version="1"><title>T</title><materialId>M-1</materialId>
<destinations>${dest
      .split(',')
      .map((d) => `<destination>${d}</destination>`)
      .join('')}</destinations></sidecar>`;
    await writeFile(join(drop, 'routed.mxf'), 'routed');
    await writeFile(join(drop, 'routed.xml'), sidecar('archive,broadcast'));
    await writeFile(join(drop, 'astray.mxf'), 'astray');
    await writeFile(join(drop, 'astray.xml'), sidecar('playout'));

    const [routed] = await eventually(async () => {
      const assets = await fx.assetsNamed('routed.mxf');
      return assets[0]?.length === 3 && assets;
    });
    expect((routed![0]!.data as { targets: string[] }).targets).toEqual(['archive', 'broadcast']);
    const [astray] = await eventually(async () => {
      const assets = await fx.assetsNamed('astray.mxf');
      return assets[0]?.length === 4 && assets;
    });
    expect(astray!.map((e) => e.type)).toEqual(['AssetDetected', 'AssetIngested', 'AssetScreened', 'AssetQuarantined']);
    expect(astray![3]!.data).toMatchObject({ stage: 'sidecar', rule: 'sidecar.destination' });
    expect((astray![3]!.data as { reason: string }).reason).toMatch(/playout/);
  });

  it('claims nothing through a drop folder that was replaced by a link to another folder', async () => {
    const root = await fx.newRoot();
    const elsewhere = await mkdtemp(join(tmpdir(), 'mxhub-elsewhere-'));
    try {
      await writeFile(join(elsewhere, 'someone-elses.mxf'), 'not yours');
      const drop = join(root, 'drop', 'broadcast');
      await mkdir(join(root, 'drop'), { recursive: true });
      await symlink(elsewhere, drop);
      await connector(root, { rescanMs: 200 }).start();
      await sleep(1200);
      expect(await readdir(elsewhere)).toEqual(['someone-elses.mxf']);
      expect(await assetsOfNetwork()).toHaveLength(0);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('opens nothing through a link even when a file is swapped for one after it was judged', async () => {
    const root = await fx.newRoot();
    const secret = join(await fx.newRoot(), 'secret');
    await writeFile(secret, 'secret');
    await connector(root, { stabilityMs: 300, sidecarWaitMs: 800, rescanMs: 200 }).start();
    const dropped = join(root, 'drop', 'broadcast', 'swap.mxf');
    await writeFile(dropped, 'innocent');
    await sleep(500); // stable, waiting for a sidecar
    await rm(dropped);
    await symlink(secret, dropped);
    await sleep(1500);
    expect(await fx.assetsNamed('swap.mxf')).toHaveLength(0);
    expect(await allEventsText()).not.toContain(sha256('secret'));
    expect((await refusalsOf('drop/broadcast/swap.mxf'))[0]?.rule).toBe('custody.not-regular-file');
  });
});
