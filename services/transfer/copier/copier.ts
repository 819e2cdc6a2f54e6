import { stat } from 'node:fs/promises';
import { privateDir } from '../../../connectors/watch-folder/claim';
import { publish } from './commit-step';
import { copyToPartial, type CopyRun } from './copy-step';
import { CopyError, asCopyError } from './errors';
import { nodeIo, type CopierIo } from './io';
import { durableOffset, partialPaths, removePartial, type CopyJob } from './partial';
import { createReservationLedger } from './reservations';
import { restore } from './restore-step';

export type { CopyJob } from './partial';
export type { CopyRun } from './copy-step';

const MiB = 1024 * 1024;

export interface CopierOptions {
  /** Bytes read, hashed and written at a time; also how often a pause or cancel is noticed. @default 4 MiB */
  chunkBytes?: number;
  /** The .part is fsynced and its offset recorded every this many bytes: the most a crash costs. @default 64 MiB */
  durableEveryBytes?: number;
  /** Space left free on the target beyond what copies need (sidecars, other writers, other hub processes). @default 64 MiB */
  reserveMarginBytes?: number;
  /** Hash mismatches of one transfer that may be retried (in this process) before the mismatch is final. @default 2 */
  hashRetries?: number;
  /** File-system calls, replaceable in tests. @default node:fs */
  io?: Partial<CopierIo>;
}

/**
 * The saga's steps for one transfer (services/transfer/saga.ts). Each step is
 * idempotent: after a crash at any point, calling the step again finishes it
 * or finds it finished. Failures are CopyErrors.
 */
export interface Copier {
  /** Checks and reserves the target's space for the file, creates the partial folder; resolves with the .part path. */
  reserve(job: CopyJob): Promise<{ tempPath: string }>;
  /** Copies the source into the .part, hashing in the same pass; resumes from the last durable offset. */
  copy(job: CopyJob, run: CopyRun): Promise<{ sha256: string; bytes: number }>;
  /** Compares the copy with the hash and size claimed; on a mismatch removes the partial and throws. */
  verify(job: CopyJob, result: { sha256: string; bytes: number }): Promise<void>;
  /** Publishes the .part and the sidecar into inbox/ (a repair: at the replica's own path); resolves with the path. */
  commit(job: CopyJob): Promise<{ path: string }>;
  /** Removes the partial files and releases the reservation; resolves with what was done, for the event. */
  compensate(job: CopyJob): Promise<string[]>;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`copier option ${name} must be a positive integer, got ${value}`);
  return value;
}

export function createCopier(options: CopierOptions = {}): Copier {
  const chunkBytes = positive('chunkBytes', options.chunkBytes ?? 4 * MiB);
  const durableEveryBytes = positive('durableEveryBytes', options.durableEveryBytes ?? 64 * MiB);
  const margin = options.reserveMarginBytes ?? 64 * MiB;
  const hashRetries = options.hashRetries ?? 2;
  const io: CopierIo = { ...nodeIo, ...options.io };
  const ledger = createReservationLedger();
  const mismatches = new Map<string, number>();

  return {
    async reserve(job) {
      const p = partialPaths(job);
      try {
        await privateDir(p.dir);
        if (ledger.has(job.transferId)) return { tempPath: p.part };
        const written = await durableOffset(job);
        const needed = job.sizeBytes - written;
        const device = (await stat(p.dir)).dev;
        const fs = await io.statfs(p.dir);
        // From here to hold() nothing awaits: two reserves cannot both pass on the same free bytes.
        const free = Number(fs.bavail) * Number(fs.bsize);
        const promised = ledger.outstanding(device, job.transferId);
        if (free < needed + margin + promised) {
          throw new CopyError(
            'no-space',
            `target ${job.targetRoot} has ${free} bytes free; transfer ${job.transferId} (${job.fileName}) needs ${needed} ` +
              `bytes plus a margin of ${margin}, and ${promised} are promised to other copies`,
            { details: { target: job.targetRoot, neededBytes: needed, freeBytes: free, promisedBytes: promised } },
          );
        }
        ledger.hold(job.transferId, device, job.sizeBytes, written);
        return { tempPath: p.part };
      } catch (err) {
        throw asCopyError(err, `reserving space for ${job.fileName} on ${job.targetRoot}`);
      }
    },

    copy: (job, run) => copyToPartial(job, run, { chunkBytes, durableEveryBytes, io, ledger }),

    async verify(job, result) {
      if (result.sha256 === job.sha256.toLowerCase() && result.bytes === job.sizeBytes) {
        mismatches.delete(job.transferId);
        return;
      }
      // The copy is not what was claimed (and screened): it must never be
      // committed, and a retry has to copy from scratch, not resume it.
      await removePartial(job);
      const seen = (mismatches.get(job.transferId) ?? 0) + 1;
      mismatches.set(job.transferId, seen);
      throw new CopyError(
        'hash-mismatch',
        `copy of ${job.source} for transfer ${job.transferId} has SHA-256 ${result.sha256} (${result.bytes} bytes); ` +
          `expected ${job.sha256} (${job.sizeBytes} bytes), as claimed`,
        { retryable: seen <= hashRetries, details: { expected: job.sha256, actual: result.sha256, attempt: seen } },
      );
    },

    async commit(job) {
      try {
        const path = job.restorePath ? await restore({ ...job, restorePath: job.restorePath }) : await publish(job);
        ledger.release(job.transferId);
        return { path };
      } catch (err) {
        throw asCopyError(err, `delivering ${job.fileName} to ${job.restorePath ?? `${job.targetRoot}/inbox`}`);
      }
    },

    async compensate(job) {
      const actions = (await removePartial(job)).map((path) => `removed ${path}`);
      const released = ledger.release(job.transferId);
      if (released > 0) actions.push(`released the reservation of ${released} bytes on ${job.targetRoot}`);
      mismatches.delete(job.transferId);
      return actions;
    },
  };
}
