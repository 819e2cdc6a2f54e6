import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyAndHash, sha256Fd, sha256File } from './hashing';
import { createWorkerPool } from './worker-pool';

describe('hashing on worker threads', () => {
  const pool = createWorkerPool({ maxThreads: 2 });
  let dir: string;
  // Over one 4 MiB read, so the reads are chained.
  const content = randomBytes(9 * 2 ** 20 + 7);
  const digest = createHash('sha256').update(content).digest('hex');
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-hashing-'));
    await writeFile(path.join(dir, 'source'), content);
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a file its SHA-256 and the number of bytes hashed', async () => {
    expect(await sha256File(path.join(dir, 'source'), pool)).toEqual({ sha256: digest, sizeBytes: content.length });
    await writeFile(path.join(dir, 'empty'), '');
    expect(await sha256File(path.join(dir, 'empty'), pool)).toEqual({
      sha256: createHash('sha256').digest('hex'),
      sizeBytes: 0,
    });
  });

  it('hashes what a descriptor held by the caller reads', async () => {
    const handle = await open(path.join(dir, 'source'), 'r');
    try {
      expect(await sha256Fd(handle.fd, pool)).toEqual({ sha256: digest, sizeBytes: content.length });
    } finally {
      await handle.close();
    }
  });

  it('copies from a held descriptor into a new 0600 file and hashes the copy in the same pass', async () => {
    const handle = await open(path.join(dir, 'source'), 'r');
    const to = path.join(dir, 'copy');
    try {
      expect(await copyAndHash(handle.fd, to, pool)).toEqual({ sha256: digest, sizeBytes: content.length });
      await expect(copyAndHash(handle.fd, to, pool)).rejects.toThrow(/EEXIST/);
    } finally {
      await handle.close();
    }
    expect((await readFile(to)).equals(content)).toBe(true);
    expect((await stat(to)).mode & 0o777).toBe(0o600);
  });

  it('rejects with the worker error for a file that is not there', async () => {
    await expect(sha256File(path.join(dir, 'missing'), pool)).rejects.toThrow(/ENOENT/);
  });
});
