import { mkdir, rm, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { houseProfile, renditionName, type SourceRaster } from '../../../formats/house-profiles/profiles';
import { FfmpegError, HubError } from '../../../lib/errors';
import { runFfmpeg, type FfmpegProgress } from '../../../lib/ffmpeg';
import { sha256File } from '../../../lib/worker-pool/hashing';

/**
 * Does a rendition meet the target's policy? The hub's own analysis of
 * screening, wired in by the composition root (services never import each
 * other). `originalName` is the rendition's file name, whose extension the
 * analysis may read.
 */
export type CheckRendition = (
  path: string,
  originalName: string,
  target: string,
) => Promise<{ ok: true } | { ok: false; rule: string; reason: string }>;

/** ffmpeg failed or the rendition does not meet the policy: final, nothing is delivered. */
export class RenditionError extends HubError {
  constructor(message: string) {
    super('MXHUB_ERR_RENDITION', message, 422, false);
  }
}

export interface RenderJob {
  transferId: string;
  profile: string;
  /** The original to render. */
  source: string;
  /** The original's file name: the rendition takes its base name and the profile's extension. */
  originalName: string;
  /** The source node's root: the rendition is made in its hub area. */
  sourceRoot: string;
  target: string;
  /** The source's picture size from its screening analysis (absent: audio only, or not known). */
  raster?: SourceRaster;
  durationSeconds?: number;
  signal: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

export interface RendererOptions {
  /** ffmpeg processes at once in this hub process. @default max(1, cores / 2) */
  concurrency?: number;
}

/**
 * Where a transfer's rendition is made: `<source root>/.mxhub/renditions/<transfer>/`.
 * The source node, because the rendition is read from the original there and
 * the node is sized for media (a minute of XDCAM HD422 is ~375 MB), which the
 * hub's data directory is not; its hub area, because nothing but the hub
 * writes there and no receiving system watches it (the target's inbox only
 * ever gets whole, checked files, through the ordinary copy step).
 */
export const renditionDir = (sourceRoot: string, transferId: string) =>
  join(sourceRoot, '.mxhub', 'renditions', transferId);

/** Is the rendition recorded still whole (a restarted hub does not render it again)? Size, cheaply: the copy hashes. */
export async function renditionIsWhole(path: string, sizeBytes: number): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile() && s.size === sizeBytes,
    () => false,
  );
}

/**
 * Renders sources into house profiles on its own limiter: a transcode takes
 * a core or two for minutes, so it does not share the copies' channels'
 * concurrency. A job waiting for a slot holds its transfer's channel, which
 * then copies nothing else (transcodes and copies of one lane compete for
 * the channels, transcodes among themselves for the slots).
 */
export function createRenderer(deps: { checkRendition: CheckRendition }, options: RendererOptions = {}) {
  const limit = pLimit(options.concurrency ?? Math.max(1, Math.floor(cpus().length / 2)));

  async function render(job: RenderJob): Promise<{ path: string; sha256: string; sizeBytes: number }> {
    const profile = houseProfile(job.profile);
    const dir = renditionDir(job.sourceRoot, job.transferId);
    const name = renditionName(job.originalName, profile);
    const output = join(dir, name);
    // What an earlier attempt left (a partial of a crashed hub, a damaged rendition) is redone from nothing.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    try {
      await runFfmpeg({
        args: ['-i', job.source, ...profile.outputArgs(job.raster)],
        output,
        durationSeconds: job.durationSeconds,
        signal: job.signal,
        onProgress: job.onProgress,
      });
      // Both read the whole rendition: side by side, the second read mostly comes from the page cache.
      const [verdict, { sha256, sizeBytes }] = await Promise.all([
        deps.checkRendition(output, name, job.target),
        sha256File(output),
      ]);
      if (!verdict.ok) {
        throw new RenditionError(
          `the ${profile.name} rendition of ${job.originalName} does not meet ${job.target}'s policy (${verdict.rule}): ${verdict.reason}`,
        );
      }
      return { path: output, sha256, sizeBytes };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      // Aborted (a cancel, a pause, the hub stopping): not the rendition's failure; the saga reads what happened.
      if (job.signal.aborted) throw err;
      if (err instanceof FfmpegError) {
        throw new RenditionError(`rendering ${job.originalName} as ${profile.name} failed: ${err.message}`);
      }
      throw err;
    }
  }

  return {
    render: (job: RenderJob) => limit(() => render(job)),
    /** Removes a transfer's rendition (compensation, or once delivered); nothing there is fine. */
    remove: (sourceRoot: string, transferId: string) =>
      rm(renditionDir(sourceRoot, transferId), { recursive: true, force: true }),
    /** Transcodes running, waiting. */
    status: () => ({ running: limit.activeCount, waiting: limit.pendingCount }),
  };
}

export type Renderer = ReturnType<typeof createRenderer>;
