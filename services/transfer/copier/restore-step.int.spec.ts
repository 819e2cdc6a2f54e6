import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCopier, type CopyJob } from './copier';
import { partialPaths } from './partial';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const SMALL = { chunkBytes: 64 * 1024, durableEveryBytes: 256 * 1024, reserveMarginBytes: 0 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxhub-restore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A good replica on news and a repair of archive's replica at `restorePath` (its folder gone with the file). */
async function given(restore: (root: string) => string) {
  const content = randomBytes(300 * 1024);
  const source = join(dir, 'news', 'cache', 'take.wav');
  await mkdir(join(source, '..'), { recursive: true });
  await writeFile(source, content);
  const targetRoot = join(dir, 'archive');
  await mkdir(targetRoot, { recursive: true });
  const job: CopyJob = {
    transferId: '0f1e2d3c-4b5a-8697-8877-665544332211',
    source,
    sha256: sha(content),
    sizeBytes: content.length,
    targetRoot,
    fileName: 'take.wav',
    restorePath: restore(targetRoot),
  };
  return { content, job };
}

/** The saga's reserve, copy and verify, then `commit` (where a repair restores). */
async function copyAndCommit(job: CopyJob) {
  const copier = createCopier(SMALL);
  await copier.reserve(job);
  await copier.verify(job, await copier.copy(job, {}));
  return { copier, committed: await copier.commit(job) };
}

describe('a repair restores the replica at its own path', () => {
  test('the origin in staging: its folder made again, the file whole and private to the hub, no sidecar, nothing partial left', async () => {
    const { content, job } = await given((root) => join(root, '.mxhub', 'staging', 'asset-1', 'take.wav'));
    const { copier, committed } = await copyAndCommit(job);
    expect(committed.path).toBe(job.restorePath);
    expect(await readFile(job.restorePath!)).toEqual(content);
    expect((await stat(job.restorePath!)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(job.restorePath!, '..'))).toEqual(['take.wav']);
    expect(await readdir(partialPaths(job).dir)).toEqual([]);
    // Committing again after a crash finds its file there: the same path, nothing else.
    expect(await copier.commit(job)).toEqual({ path: job.restorePath });
  });

  test('a delivered replica in inbox/ is readable by the node’s systems again', async () => {
    const { job } = await given((root) => join(root, 'inbox', 'take.wav'));
    await copyAndCommit(job);
    expect((await stat(job.restorePath!)).mode & 0o777).toBe(0o644);
  });

  test('another file that took the replica’s name since the audit is never overwritten', async () => {
    const { job } = await given((root) => join(root, 'inbox', 'take.wav'));
    await mkdir(join(job.targetRoot, 'inbox'), { recursive: true });
    await writeFile(job.restorePath!, 'someone else’s file');
    await expect(copyAndCommit(job)).rejects.toMatchObject({
      code: 'io',
      retryable: false,
      message: expect.stringMatching(/cannot restore .*take\.wav: another file took its name since the audit/),
    });
    expect(await readFile(job.restorePath!, 'utf8')).toBe('someone else’s file');
  });

  test('a path outside the node, or through a folder swapped for a link to elsewhere, is refused', async () => {
    const outside = await given(() => join(dir, 'elsewhere', 'take.wav'));
    await expect(copyAndCommit(outside.job)).rejects.toThrow(/is not inside the node root/);
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const linked = await given((root) => join(root, 'cache', 'take.wav'));
    await symlink(elsewhere, join(linked.job.targetRoot, 'cache'));
    await expect(copyAndCommit(linked.job)).rejects.toThrow(/resolves to .*elsewhere, outside the node/);
    expect(await readdir(elsewhere)).toEqual([]);
  });
});
