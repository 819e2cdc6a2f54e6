import fsp from 'node:fs/promises';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNodeLayout, createNodeLayoutMonitor, type NodeLayout } from './node-layout';

describe('node layout', () => {
  let dir: string;
  let news: string;
  let archive: string;
  const targets = ['broadcast', 'archive'];

  /** A sound node root: drop/<target>/ for each target, inbox/, .mxhub/ with some of its folders. */
  async function soundNode(root: string): Promise<void> {
    for (const t of targets) await mkdir(join(root, 'drop', t), { recursive: true });
    await mkdir(join(root, 'inbox'), { recursive: true });
    await mkdir(join(root, '.mxhub', 'staging'), { recursive: true });
    await mkdir(join(root, '.mxhub', 'partial'), { recursive: true });
  }

  beforeEach(async () => {
    // Real path: macOS and some CI hosts put tmpdir behind a symbolic link.
    dir = await realpath(await mkdtemp(join(tmpdir(), 'mxhub-layout-')));
    news = join(dir, 'news');
    archive = join(dir, 'archive');
    await soundNode(news);
    await soundNode(archive);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a sound layout sound, and missing folders the hub makes itself are no problem', async () => {
    expect(await checkNodeLayout(news, { targets })).toEqual({ sound: true, problems: [] });
    await rm(join(news, 'inbox'), { recursive: true });
    await rm(join(news, '.mxhub'), { recursive: true });
    expect(await checkNodeLayout(news, { targets })).toEqual({ sound: true, problems: [] });
  });

  it('accepts a root that is itself a symbolic link (to a mount, say)', async () => {
    const link = join(dir, 'news-link');
    await symlink(news, link);
    expect(await checkNodeLayout(link, { targets })).toEqual({ sound: true, problems: [] });
  });

  it('refuses a root that does not resolve', async () => {
    const gone = join(dir, 'nowhere');
    expect(await checkNodeLayout(gone, { targets })).toEqual({
      sound: false,
      problems: [{ path: gone, why: 'does not resolve (ENOENT)' }],
    });
  });

  it('refuses a drop folder that is a symbolic link, and does not look into it', async () => {
    await rm(join(news, 'drop'), { recursive: true });
    await symlink(join(archive, 'drop'), join(news, 'drop'));
    expect(await checkNodeLayout(news, { targets })).toEqual({
      sound: false,
      problems: [{ path: join(news, 'drop'), why: `is a symbolic link to ${join(archive, 'drop')}` }],
    });
  });

  it("refuses a drop/<target> folder that is a symbolic link to another node's inbox", async () => {
    const drop = join(news, 'drop', 'archive');
    await rm(drop, { recursive: true });
    await symlink(join(archive, 'inbox'), drop);
    expect(await checkNodeLayout(news, { targets })).toEqual({
      sound: false,
      problems: [{ path: drop, why: `is a symbolic link to ${join(archive, 'inbox')}` }],
    });
  });

  it('refuses an inbox that is a symbolic link, even a dangling one', async () => {
    const inbox = join(news, 'inbox');
    await rm(inbox, { recursive: true });
    await symlink(join(dir, 'elsewhere'), inbox);
    expect((await checkNodeLayout(news, { targets })).problems).toEqual([
      { path: inbox, why: `is a symbolic link to ${join(dir, 'elsewhere')}` },
    ]);
  });

  it('refuses an inbox that is a file', async () => {
    const inbox = join(news, 'inbox');
    await rm(inbox, { recursive: true });
    await writeFile(inbox, 'not a folder');
    expect(await checkNodeLayout(news, { targets })).toEqual({
      sound: false,
      problems: [{ path: inbox, why: 'is a file, not a folder' }],
    });
  });

  it('refuses symbolic links among the hub folders and a target that is not a folder name', async () => {
    await rm(join(news, '.mxhub', 'partial'), { recursive: true });
    await symlink(join(archive, 'inbox'), join(news, '.mxhub', 'partial'));
    const result = await checkNodeLayout(news, { targets: [...targets, '../../archive/inbox'] });
    expect(result.sound).toBe(false);
    expect(result.problems).toEqual([
      { path: join(news, 'drop', '../../archive/inbox'), why: "'../../archive/inbox' is not a plain folder name" },
      { path: join(news, '.mxhub', 'partial'), why: `is a symbolic link to ${join(archive, 'inbox')}` },
    ]);
  });

  describe('monitor', () => {
    it('probes at start and on its interval, and tells of each change once', async () => {
      const changes: Array<[string, NodeLayout]> = [];
      const warned: string[] = [];
      const told: string[] = [];
      const monitor = createNodeLayoutMonitor(
        [
          { id: 'news', root: news, targets },
          { id: 'archive', root: archive, targets },
        ],
        {
          intervalMs: 20,
          onChange: (id, result) => changes.push([id, result]),
          logger: {
            warn: (_o: unknown, msg: string) => warned.push(msg),
            info: (_o: unknown, msg: string) => told.push(msg),
          } as never,
        },
      );
      await monitor.start();
      try {
        expect(monitor.all()).toEqual({
          news: { sound: true, problems: [] },
          archive: { sound: true, problems: [] },
        });
        expect(changes.map(([id]) => id).sort()).toEqual(['archive', 'news']);

        const inbox = join(archive, 'inbox');
        await rm(inbox, { recursive: true });
        await symlink(join(dir, 'elsewhere'), inbox);
        await waitFor(() => monitor.status('archive')?.sound === false);
        await new Promise((resolve) => setTimeout(resolve, 100)); // a few more rounds
        expect(warned).toEqual([
          `node of archive is unsound, nothing is delivered into it: ${inbox} is a symbolic link to ${join(dir, 'elsewhere')}`,
        ]);

        await rm(inbox);
        await mkdir(inbox);
        expect(await monitor.check('archive')).toEqual({ sound: true, problems: [] });
        expect(monitor.status('archive')).toEqual({ sound: true, problems: [] });
        expect(told).toEqual(['node of archive is sound again']);
        expect(changes.filter(([id]) => id === 'archive').map(([, r]) => r.sound)).toEqual([true, false, true]);
        expect(warned).toHaveLength(1);
      } finally {
        await monitor.stop();
      }
    });

    it('checks asked for together share one walk of the node, begun after they asked', async () => {
      const walks = jest.spyOn(fsp, 'realpath');
      const monitor = createNodeLayoutMonitor([{ id: 'news', root: news, targets }], {});
      try {
        const first = monitor.check('news');
        const rest = Array.from({ length: 11 }, () => monitor.check('news'));
        expect(await first).toEqual({ sound: true, problems: [] });
        for (const r of await Promise.all(rest)) expect(r).toEqual({ sound: true, problems: [] });
        // Asked for at once, before any began: one walk for all twelve (the root is resolved once a walk).
        expect(walks.mock.calls.filter(([p]) => p === news)).toHaveLength(1);
        walks.mockClear();
        const a = monitor.check('news');
        await new Promise((resolve) => setImmediate(resolve)); // a's walk has begun
        await Promise.all([a, ...Array.from({ length: 5 }, () => monitor.check('news'))]);
        // One walk for the first, one shared by the five asked for while it ran.
        expect(walks.mock.calls.filter(([p]) => p === news)).toHaveLength(2);

        // A check asked for after a change sees it, even while a walk begun before the change runs.
        const running = monitor.check('news');
        const inbox = join(news, 'inbox');
        await rm(inbox, { recursive: true });
        await symlink(join(dir, 'elsewhere'), inbox);
        const after = await monitor.check('news');
        await running;
        expect(after.sound).toBe(false);
      } finally {
        walks.mockRestore();
      }
    });

    it('refuses to check a node it does not know', async () => {
      const monitor = createNodeLayoutMonitor([{ id: 'news', root: news, targets }], {});
      await expect(monitor.check('playout')).rejects.toThrow("no node root is known for network 'playout'");
      expect(monitor.status('news')).toBeUndefined();
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
