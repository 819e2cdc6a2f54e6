import { createHash, randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import {
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSidecar } from '../../../formats/sidecar/parse';
import type { Sidecar } from '../../../formats/sidecar/sidecar';
import { createCopier, type Copier, type CopierOptions, type CopyJob } from './copier';
import { CopyError } from './errors';
import { nodeIo } from './io';
import { partialPaths } from './partial';
import { createTokenBucket } from './throttle';

const KiB = 1024;
const SMALL = { chunkBytes: 64 * KiB, durableEveryBytes: 256 * KiB, reserveMarginBytes: 0 };
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxhub-copier-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sidecar: Sidecar = {
  title: 'Evening news opener',
  materialId: 'MAT-001',
  destinations: ['broadcast'],
  checksum: 'a'.repeat(64),
  extra: [{ key: 'mxhub.assetId', value: 'asset-1' }],
};

/** A staged source on the "news" node and an empty "broadcast" node, as the hub lays them out. */
async function given(size = 2 * 1024 * KiB, name = 'clip.mxf') {
  const content = randomBytes(size);
  const source = join(dir, 'news', '.mxhub', 'staging', 'asset-1', name);
  await mkdir(join(source, '..'), { recursive: true });
  await writeFile(source, content);
  const targetRoot = join(dir, 'broadcast');
  await mkdir(join(targetRoot, 'inbox'), { recursive: true });
  const job: CopyJob = {
    transferId: '0f1e2d3c-4b5a-8697-8877-665544332211',
    source,
    sha256: sha(content),
    sizeBytes: size,
    targetRoot,
    fileName: name,
    sidecar,
  };
  return { content, job, inbox: join(targetRoot, 'inbox'), partial: partialPaths(job) };
}

/** Counts the bytes read from the source; `after` runs once that many bytes have been read. */
function countingReads(after?: { bytes: number; then: () => Promise<void> | void }) {
  const seen = { bytes: 0, positions: [] as number[] };
  let fired = false;
  const io: CopierOptions['io'] = {
    readSource: async (handle, buffer, length, position) => {
      seen.positions.push(position);
      const n = await nodeIo.readSource(handle, buffer, length, position);
      seen.bytes += n;
      if (after && !fired && seen.bytes >= after.bytes) {
        fired = true;
        await after.then();
      }
      return n;
    },
  };
  return { seen, io };
}

async function failure(promise: Promise<unknown>): Promise<CopyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CopyError);
  return err as CopyError;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('copier', () => {
  it('delivers a byte-identical file with the hub sidecar beside it, and cleans up its partial files', async () => {
    const { content, job, inbox, partial } = await given();
    const copier: Copier = createCopier(SMALL);
    const { tempPath } = await copier.reserve(job);
    expect(tempPath).toBe(partial.part);
    expect((await stat(partial.dir)).mode & 0o777).toBe(0o700);

    const result = await copier.copy(job, {});
    expect(result).toEqual({ sha256: job.sha256, bytes: content.length });
    await copier.verify(job, result);
    const { path } = await copier.commit(job);

    expect(path).toBe(join(inbox, 'clip.mxf'));
    expect((await readFile(path)).equals(content)).toBe(true);
    expect(parseSidecar(await readFile(join(inbox, 'clip.xml')))).toEqual(sidecar);
    expect((await readdir(inbox)).sort()).toEqual(['clip.mxf', 'clip.xml']);
    expect(await readdir(partial.dir)).toEqual([]);
  });

  it('never shows a file in inbox/ before commit, and then only under its final names', async () => {
    const { job, inbox } = await given(4 * 1024 * KiB);
    const copier = createCopier(SMALL);
    const seen: string[] = [];
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(inbox, (_event, name) => seen.push(String(name)));
      await copier.reserve(job);
      const result = await copier.copy(job, {});
      await copier.verify(job, result);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([]);
      expect(await readdir(inbox)).toEqual([]);
      await copier.commit(job);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      watcher?.close();
    }
    expect(new Set(seen)).toEqual(new Set(['clip.mxf', 'clip.xml']));
  });

  it('resumes an aborted copy from its durable offset instead of reading the source again', async () => {
    const { job } = await given(2 * 1024 * KiB);
    const controller = new AbortController();
    const first = countingReads({ bytes: 1024 * KiB, then: () => controller.abort(new Error('paused by an admin')) });
    const copier = createCopier({ ...SMALL, io: first.io });
    await copier.reserve(job);
    const stopped = await failure(copier.copy(job, { signal: controller.signal }));
    expect(stopped.code).toBe('aborted');
    const durable = JSON.parse(await readFile(partialPaths(job).record, 'utf8')).durableBytes as number;
    expect(durable).toBeGreaterThan(0);
    expect((await stat(partialPaths(job).part)).size).toBe(durable);

    const second = countingReads();
    const resumed = createCopier({ ...SMALL, io: second.io });
    const progress: number[] = [];
    const result = await resumed.copy(job, { onProgress: (done) => progress.push(done) });
    expect(result.sha256).toBe(job.sha256);
    expect(progress[0]).toBe(durable);
    expect(second.seen.positions[0]).toBe(durable);
    expect(second.seen.bytes).toBe(job.sizeBytes - durable);
  });

  it('resumes after a crash that left a .part and its offset record behind', async () => {
    const { content, job, partial } = await given(1024 * KiB);
    const durable = 640 * KiB;
    await mkdir(partial.dir, { recursive: true });
    // Bytes past the durable offset were never fsynced: they may be garbage and must be dropped.
    await writeFile(partial.part, Buffer.concat([content.subarray(0, durable), randomBytes(100 * KiB)]));
    await writeFile(
      partial.record,
      JSON.stringify({
        transferId: job.transferId,
        sha256: job.sha256,
        sizeBytes: job.sizeBytes,
        durableBytes: durable,
      }),
    );
    const reads = countingReads();
    const copier = createCopier({ ...SMALL, io: reads.io });
    const result = await copier.copy(job, {});
    await copier.verify(job, result);
    expect(reads.seen.bytes).toBe(job.sizeBytes - durable);
    expect((await readFile(partial.part)).equals(content)).toBe(true);
  });

  it('starts again from zero when the offset record belongs to another file', async () => {
    const { job, partial } = await given(512 * KiB);
    await mkdir(partial.dir, { recursive: true });
    await writeFile(partial.part, randomBytes(256 * KiB));
    await writeFile(
      partial.record,
      JSON.stringify({
        transferId: job.transferId,
        sha256: 'b'.repeat(64),
        sizeBytes: job.sizeBytes,
        durableBytes: 256 * KiB,
      }),
    );
    const reads = countingReads();
    const result = await createCopier({ ...SMALL, io: reads.io }).copy(job, {});
    expect(result.sha256).toBe(job.sha256);
    expect(reads.seen.bytes).toBe(job.sizeBytes);
  });

  it('detects a copy that does not match the claimed hash, removes it, and stops retrying after hashRetries', async () => {
    const { job, partial } = await given(256 * KiB);
    const corrupt = { ...job, sha256: sha(Buffer.from('something else')) };
    const copier = createCopier({ ...SMALL, hashRetries: 1 });
    await copier.reserve(corrupt);
    const first = await failure(copier.verify(corrupt, await copier.copy(corrupt, {})));
    expect(first).toMatchObject({ code: 'hash-mismatch', retryable: true });
    expect(first.message).toContain(corrupt.sha256);
    expect(await exists(partial.part)).toBe(false);
    const second = await failure(copier.verify(corrupt, await copier.copy(corrupt, {})));
    expect(second).toMatchObject({ code: 'hash-mismatch', retryable: false });
  });

  it('fails clearly when the source is gone before the copy', async () => {
    const { job } = await given(256 * KiB);
    await unlink(job.source);
    const err = await failure(createCopier(SMALL).copy(job, {}));
    expect(err).toMatchObject({ code: 'source-missing', retryable: false });
    expect(err.message).toContain(job.source);
  });

  it('refuses a staged source replaced by a symbolic link, and reads nothing through it', async () => {
    const { job } = await given(256 * KiB);
    const elsewhere = `${job.source}.elsewhere`;
    await writeFile(elsewhere, 'not the claimed file');
    await unlink(job.source);
    await symlink(elsewhere, job.source);
    const err = await failure(createCopier(SMALL).copy(job, {}));
    expect(err).toMatchObject({ code: 'source-changed', retryable: false });
    expect(err.message).toMatch(/symbolic link/);
  });

  it('fails clearly when the source is deleted mid-copy', async () => {
    const { job } = await given(1024 * KiB);
    const reads = countingReads({ bytes: 128 * KiB, then: () => unlink(job.source) });
    const err = await failure(createCopier({ ...SMALL, io: reads.io }).copy(job, {}));
    expect(err).toMatchObject({ code: 'source-missing', retryable: false });
    expect(err.message).toMatch(/vanished while copying/);
  });

  it('fails clearly when the source shrinks mid-copy', async () => {
    const { job } = await given(1024 * KiB);
    const reads = countingReads({ bytes: 128 * KiB, then: () => truncate(job.source, 300 * KiB) });
    const err = await failure(createCopier({ ...SMALL, io: reads.io }).copy(job, {}));
    expect(err).toMatchObject({ code: 'source-changed', retryable: false });
    expect(err.message).toContain(`${job.sizeBytes} were claimed`);
  });

  it('refuses to reserve more than the target has free, counting what other copies were promised', async () => {
    const { job } = await given(256 * KiB);
    const other = { ...job, transferId: '11111111-2222-8333-8444-555555555555' };
    let free = 1000 * KiB;
    const copier = createCopier({
      ...SMALL,
      reserveMarginBytes: 100 * KiB,
      io: { statfs: async () => ({ bavail: free / 1024, bsize: 1024 }) },
    });
    await copier.reserve(job); // 256 + 100 of 1000
    free = 600 * KiB; // the first copy has written nothing yet: 256 KiB of the 600 are promised to it
    const err = await failure(copier.reserve(other));
    expect(err).toMatchObject({ code: 'no-space', retryable: false });
    expect(err.message).toContain(job.targetRoot);
    expect(err.details).toMatchObject({ neededBytes: 256 * KiB, freeBytes: 600 * KiB, promisedBytes: 256 * KiB });

    expect(await copier.compensate(job)).toContain(
      `released the reservation of ${256 * KiB} bytes on ${job.targetRoot}`,
    );
    await expect(copier.reserve(other)).resolves.toEqual({ tempPath: partialPaths(other).part });
  });

  it('fails with no-space when the disk fills mid-write, is compensated, and succeeds once space is freed', async () => {
    const { content, job, inbox, partial } = await given(1024 * KiB);
    let full = true;
    let written = 0;
    const copier = createCopier({
      ...SMALL,
      io: {
        writePartial: async (handle, buffer, length, position) => {
          if (full && written >= 300 * KiB)
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          const n = await nodeIo.writePartial(handle, buffer, length, position);
          written += n;
          return n;
        },
      },
    });
    await copier.reserve(job);
    const err = await failure(copier.copy(job, {}));
    expect(err).toMatchObject({ code: 'no-space', retryable: false });
    const actions = await copier.compensate(job);
    expect(actions).toContain(`removed ${partial.part}`);
    expect(await readdir(partial.dir)).toEqual([]);

    full = false;
    await copier.reserve(job);
    const result = await copier.copy(job, {});
    await copier.verify(job, result);
    const { path } = await copier.commit(job);
    expect((await readFile(path)).equals(content)).toBe(true);
    expect(await readdir(inbox)).toHaveLength(2);
  });

  it('commits once: calling again after a crash between publishing and the event finds the delivered file', async () => {
    const { job, inbox } = await given(256 * KiB);
    const copier = createCopier(SMALL);
    await copier.reserve(job);
    await copier.verify(job, await copier.copy(job, {}));
    const first = await copier.commit(job);
    const again = await createCopier(SMALL).commit(job);
    expect(again).toEqual(first);
    expect((await readdir(inbox)).sort()).toEqual(['clip.mxf', 'clip.xml']);
  });

  it('commits once after a crash between linking the media into inbox/ and removing the partial', async () => {
    const { content, job, inbox, partial } = await given(256 * KiB);
    const copier = createCopier(SMALL);
    await copier.verify(job, await copier.copy(job, {}));
    await link(partial.part, join(inbox, 'clip.mxf'));
    const { path } = await copier.commit(job);
    expect(path).toBe(join(inbox, 'clip.mxf'));
    expect((await readFile(path)).equals(content)).toBe(true);
    expect((await readdir(inbox)).sort()).toEqual(['clip.mxf', 'clip.xml']);
    expect(await exists(partial.part)).toBe(false);
  });

  it('delivers under a name derived from the transfer when inbox/ holds another file of the same name, and finds it again', async () => {
    const { content, job, inbox } = await given(256 * KiB);
    await writeFile(join(inbox, 'clip.mxf'), 'an older, different clip');
    const copier = createCopier(SMALL);
    await copier.verify(job, await copier.copy(job, {}));
    const { path } = await copier.commit(job);
    expect(path).toBe(join(inbox, 'clip.0f1e2d3c.mxf'));
    expect((await readFile(path)).equals(content)).toBe(true);
    expect(parseSidecar(await readFile(join(inbox, 'clip.0f1e2d3c.xml')))).toEqual(sidecar);
    expect(await readFile(join(inbox, 'clip.mxf'), 'utf8')).toBe('an older, different clip');
    expect(await copier.commit(job)).toEqual({ path });
  });

  it('delivers a colliding 255-byte name under a collision name that fits, and finds it again', async () => {
    const name = `${'n'.repeat(251)}.mxf`;
    const { content, job, inbox } = await given(64 * KiB, name);
    await writeFile(join(inbox, name), 'an older, different clip');
    const copier = createCopier(SMALL);
    await copier.verify(job, await copier.copy(job, {}));
    const { path } = await copier.commit(job);
    expect(path).toBe(join(inbox, `${'n'.repeat(242)}.0f1e2d3c.mxf`));
    expect((await readFile(path)).equals(content)).toBe(true);
    expect(await readdir(inbox)).toContain(`${'n'.repeat(242)}.0f1e2d3c.xml`);
    expect(await copier.commit(job)).toEqual({ path });
  });

  it('refuses to deliver through an inbox that was replaced by a symbolic link, and delivers once it is a folder again', async () => {
    const { content, job, inbox, partial } = await given(64 * KiB);
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const copier = createCopier(SMALL);
    await copier.verify(job, await copier.copy(job, {}));
    await rm(inbox, { recursive: true });
    await symlink(outside, inbox);
    const err = await failure(copier.commit(job));
    expect(err.code).toBe('io');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`resolves to ${await realpath(outside)}`);
    expect(await readdir(outside)).toEqual([]);
    expect(await exists(partial.part)).toBe(true);

    await unlink(inbox);
    await mkdir(inbox);
    const { path } = await copier.commit(job);
    expect(path).toBe(join(inbox, 'clip.mxf'));
    expect((await readFile(path)).equals(content)).toBe(true);
  });

  it('treats an identical file already under the final name as delivered', async () => {
    const { content, job, inbox } = await given(256 * KiB);
    await writeFile(join(inbox, 'clip.mxf'), content);
    const copier = createCopier(SMALL);
    await copier.verify(job, await copier.copy(job, {}));
    expect(await copier.commit(job)).toEqual({ path: join(inbox, 'clip.mxf') });
    expect((await readdir(inbox)).sort()).toEqual(['clip.mxf', 'clip.xml']);
  });

  it('delivers without a sidecar when the job has none', async () => {
    const { job, inbox } = await given(64 * KiB);
    const bare = { ...job, sidecar: undefined };
    const copier = createCopier(SMALL);
    await copier.verify(bare, await copier.copy(bare, {}));
    await copier.commit(bare);
    expect(await readdir(inbox)).toEqual(['clip.mxf']);
  });

  it('passes every chunk through each throttle given', async () => {
    const { job } = await given(512 * KiB);
    const taken: number[] = [];
    const throttle = { take: async (n: number) => void taken.push(n), setRate: () => undefined, rate: () => null };
    await createCopier(SMALL).copy(job, { throttles: [throttle, throttle] });
    expect(taken.reduce((a, b) => a + b, 0)).toBe(2 * job.sizeBytes);
  });

  it('holds a 500 kB/s cap from the first byte: 2 MB take about 4 s, in slices, reported at least every 250 ms or so', async () => {
    const { job } = await given(2_000_000);
    const cap = createTokenBucket({ bytesPerSecond: 500_000 });
    const reports: Array<{ at: number; done: number; rate: number }> = [];
    const started = Date.now();
    // Default chunks (4 MiB): the whole file fits in one, which the old bucket let through at disk speed.
    await createCopier({ reserveMarginBytes: 0 }).copy(job, {
      throttles: [cap],
      onProgress: (done, rate) => reports.push({ at: Date.now() - started, done, rate }),
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(3700); // (2 MB - a 64 KiB burst) / 500 kB/s = 3.87 s
    expect(took).toBeLessThan(8000);
    // Progress moves in steps of a slice, not of a chunk: many reports, none far apart.
    expect(reports.length).toBeGreaterThanOrEqual(8);
    const gaps = reports.slice(1).map((r, i) => r.at - reports[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    // The rate shown is the cap, not the disk speed.
    const shown = reports.filter((r) => r.at > 1000).map((r) => r.rate);
    expect(Math.max(...shown)).toBeLessThan(750_000);
  });

  it('copies an empty file', async () => {
    const { job, inbox } = await given(0, 'empty.wav');
    const copier = createCopier(SMALL);
    await copier.reserve(job);
    await copier.verify(job, await copier.copy(job, {}));
    expect((await copier.commit(job)).path).toBe(join(inbox, 'empty.wav'));
  });
});
