import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { privateDir } from '../../../connectors/watch-folder/claim';
import { CopyError, asCopyError, errnoOf } from './errors';
import type { CopierIo } from './io';
import { durableOffset, hashPrefix, partialPaths, writeDurableOffset, type CopyJob } from './partial';
import { createRateMeter } from './rate-meter';
import type { ReservationLedger } from './reservations';
import { DEFAULT_BURST_BYTES, type Throttle } from './throttle';

export interface CopyRun {
  /** Stops the copy at the next chunk boundary; the partial stays, durable up to where it stopped. */
  signal?: AbortSignal;
  /** Every chunk passes through each of these (the lane's and the target network's caps). */
  throttles?: Throttle[];
  /**
   * At the start, at most every `PROGRESS_EVERY_MS` while copying, and at the end: bytes of the
   * file now on the target, and the rate over the last `RATE_WINDOW_MS`.
   */
  onProgress?(bytesDone: number, bytesPerSecond: number): void;
}

/** How often a copy reports progress at most: often enough for a smooth bar, rarely enough for the board. */
export const PROGRESS_EVERY_MS = 250;
/** The window the reported rate (and so the ETA) is taken over. */
export const RATE_WINDOW_MS = 5000;
/** A throttled copy reads, takes and writes this many seconds' worth of its cap at a time (within a chunk). */
const SLICE_SECONDS = 0.1;

/**
 * How much to read next. A throttled copy goes in slices of about 0.1 s at
 * its tightest cap (at least the bucket's burst, at most a chunk): taking a
 * whole 4 MiB chunk at once would let it pass at disk speed and pay after.
 */
export function sliceBytes(chunkBytes: number, throttles: Throttle[] | undefined): number {
  const rates = (throttles ?? []).map((t) => t.rate()).filter((r): r is number => r !== null);
  if (rates.length === 0) return chunkBytes;
  const slice = Math.floor(Math.min(...rates) * SLICE_SECONDS);
  return Math.min(chunkBytes, Math.max(DEFAULT_BURST_BYTES, slice));
}

export interface CopySettings {
  chunkBytes: number;
  durableEveryBytes: number;
  io: CopierIo;
  ledger: ReservationLedger;
}

async function openSource(job: CopyJob): Promise<FileHandle> {
  try {
    // Staged files are hub-owned regular files; O_NOFOLLOW makes a link put in their place fail (ELOOP), never read through.
    return await open(job.source, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT')
      throw new CopyError('source-missing', `source ${job.source} of transfer ${job.transferId} no longer exists`);
    if (errnoOf(err) === 'ELOOP')
      throw new CopyError(
        'source-changed',
        `source ${job.source} of transfer ${job.transferId} is now a symbolic link, not the claimed file`,
      );
    throw asCopyError(err, `opening source ${job.source}`);
  }
}

/**
 * The staged file is the hub's custody: if its path no longer names the file
 * being read (removed, replaced), custody was withdrawn, and delivering from
 * the still-open descriptor would deliver something the hub no longer holds.
 * The content itself is compared by `verify`: every byte sent is hashed in
 * the same pass and must match the SHA-256 taken when the claim copied it.
 */
async function checkCustody(job: CopyJob, source: FileHandle): Promise<void> {
  const held = await source.stat();
  const named = await stat(job.source).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT')
      throw new CopyError(
        'source-missing',
        `source ${job.source} of transfer ${job.transferId} vanished while copying`,
      );
    throw err;
  });
  if (named.ino !== held.ino || named.dev !== held.dev || held.size !== job.sizeBytes) {
    throw new CopyError(
      'source-changed',
      `source ${job.source} of transfer ${job.transferId} changed while copying: expected the claimed file of ${job.sizeBytes} bytes`,
    );
  }
}

async function writeFully(io: CopierIo, part: FileHandle, buf: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buf.length;) {
    done += await io.writePartial(part, buf.subarray(done), buf.length - done, position + done);
  }
}

/**
 * Streams the source into the transfer's .part, hashing in the same pass, and
 * resolves with the SHA-256 of the whole file. Resumes from the durable offset
 * of an earlier run (the prefix is hashed from the .part, the rest read from
 * the source). Reads, writes and hashing overlap: while chunk k is written and
 * hashed, chunk k+1 is read; two buffers alternate between the roles.
 */
export async function copyToPartial(
  job: CopyJob,
  run: CopyRun,
  settings: CopySettings,
): Promise<{ sha256: string; bytes: number }> {
  const { io, ledger } = settings;
  const p = partialPaths(job);
  const size = job.sizeBytes;
  const source = await openSource(job);
  let part: FileHandle | undefined;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inflight.add(promise);
    void promise.then(
      () => inflight.delete(promise),
      () => inflight.delete(promise),
    );
    return promise;
  };
  try {
    const held = await source.stat();
    if (held.size !== size) {
      throw new CopyError(
        'source-changed',
        `source ${job.source} of transfer ${job.transferId} has ${held.size} bytes, but ${size} were claimed`,
      );
    }
    await privateDir(p.dir);
    const from = await durableOffset(job);
    part = await open(p.part, constants.O_RDWR | constants.O_CREAT, 0o600);
    await part.truncate(from);
    // After a restart the ledger is empty: put this copy back so reserves of others count it.
    if (!ledger.has(job.transferId)) ledger.hold(job.transferId, (await part.stat()).dev, size, from);

    // Small files get small buffers: thousands of 100 KB files should not each allocate two full chunks.
    const bufferBytes = Math.max(1, Math.min(settings.chunkBytes, size));
    const buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)] as const;
    const hash = createHash('sha256');
    if (from > 0) await hashPrefix(part, from, hash, buffers[0]);
    const meter = createRateMeter({ windowMs: RATE_WINDOW_MS });
    let reportedAt = Date.now();
    meter.add(reportedAt, from);
    run.onProgress?.(from, 0);
    const report = (bytesDone: number, force = false) => {
      const now = Date.now();
      meter.add(now, bytesDone);
      if (!force && now - reportedAt < PROGRESS_EVERY_MS) return;
      reportedAt = now;
      run.onProgress?.(bytesDone, meter.rate());
    };
    const next = (at: number) => Math.min(sliceBytes(settings.chunkBytes, run.throttles), size - at);

    const out = part;
    let lastCheckpoint = from;
    let syncing: Promise<void> | undefined;
    let syncFailure: unknown;
    // A checkpoint runs beside the copy (the disk flushes while the next chunks
    // go to the page cache); only bytes written before the fsync began count.
    const checkpoint = (upTo: number) => {
      lastCheckpoint = upTo;
      syncing = track(
        (async () => {
          await out.datasync();
          await writeDurableOffset(job, upTo);
          await checkCustody(job, source);
        })()
          .catch((err: unknown) => void (syncFailure ??= err))
          .finally(() => (syncing = undefined)),
      );
    };

    let written = from;
    let pos = from;
    let i = 0;
    let reading = pos < size ? track(io.readSource(source, buffers[0], next(pos), pos)) : undefined;
    let writing: Promise<void> | undefined;
    try {
      while (reading) {
        const n = await reading;
        reading = undefined;
        if (n === 0) {
          throw new CopyError(
            'source-changed',
            `source ${job.source} of transfer ${job.transferId} ended at ${pos} bytes, but ${size} were claimed`,
          );
        }
        const chunk = buffers[i]!.subarray(0, n);
        const at = pos;
        if (writing) {
          await writing;
          writing = undefined;
          written = at;
          ledger.progress(job.transferId, written);
          report(written);
        }
        if (syncFailure) throw syncFailure;
        if (written - lastCheckpoint >= settings.durableEveryBytes && !syncing) checkpoint(written);
        if (run.signal?.aborted) throw abortError(job, written);
        for (const t of run.throttles ?? []) await t.take(n, run.signal);
        pos = at + n;
        writing = track(writeFully(io, out, chunk, at));
        if (pos < size) reading = track(io.readSource(source, buffers[1 - i]!, next(pos), pos));
        hash.update(chunk);
        i = 1 - i;
      }
      if (writing) await writing;
      written = pos;
      if (syncing) await syncing;
      if (syncFailure) throw syncFailure;
      await out.datasync();
      // A file smaller than one checkpoint is cheaper to copy again than to record (thousands of small files).
      if (size > settings.durableEveryBytes) await writeDurableOffset(job, size);
      ledger.progress(job.transferId, size);
      await checkCustody(job, source);
      report(size, true);
      return { sha256: hash.digest('hex'), bytes: size };
    } catch (err) {
      await Promise.allSettled([...inflight]);
      // Stopped by the caller: keep what is written, durable, so the next run resumes there.
      const stopped =
        (err instanceof CopyError && err.code === 'aborted') || (run.signal?.aborted && err === run.signal.reason);
      if (stopped) {
        await out.datasync();
        await writeDurableOffset(job, written);
        throw abortError(job, written);
      }
      throw err;
    }
  } catch (err) {
    await Promise.allSettled([...inflight]);
    throw asCopyError(err, `copying ${job.source} to ${p.part}`);
  } finally {
    await part?.close().catch(() => undefined);
    await source.close().catch(() => undefined);
  }
}

const abortError = (job: CopyJob, written: number) =>
  new CopyError('aborted', `copy of transfer ${job.transferId} stopped at ${written} of ${job.sizeBytes} bytes`);
