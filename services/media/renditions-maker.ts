import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ffprobe, probeNumber, runFfmpeg, type ProbeResult } from '../../lib/ffmpeg';
import { imageSize } from 'image-size';
import { sha256File } from '../../lib/worker-pool/hashing';
import type { RenditionResult } from './domain/media';
import {
  classByName,
  classify,
  KINDS_OF,
  planRenditions,
  renditionDefaults,
  type RenditionOptions,
  type RenditionPlan,
} from './domain/renditions';

/** The directory of an asset's renditions under the centre root; an id unsafe as a file name is hex-encoded. */
export function assetDir(assetId: string): string {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(assetId) ? assetId : `x-${Buffer.from(assetId).toString('hex')}`;
}

/** An error as an event's reason (at most 2000 characters): its head says what failed, its tail ffmpeg's why. */
function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length <= 2000 ? text : `${text.slice(0, 600)}…${text.slice(-1399)}`;
}

export interface MakeRequest {
  assetId: string;
  /** The asset's readable copies, best first: the first whose file is there is used. */
  sources: readonly string[];
  originalName: string;
  signal?: AbortSignal;
}

/**
 * Makes an asset's browse renditions in the centre store (`centerRoot`) and
 * describes each as ProxyCreated or ProxyFailed data. Never throws for bad
 * media: a source ffmpeg cannot read fails every rendition its name promises,
 * with ffmpeg's reason; a file that is not media (by probe and by name) gets
 * none. A rendition that fails leaves nothing (runFfmpeg removes its partial)
 * and does not stop the others. An abort (`signal`) throws instead: it says
 * nothing about the media.
 */
export function createRenditionsMaker(centerRoot: string, options: RenditionOptions = renditionDefaults) {
  async function firstPresent(paths: readonly string[]): Promise<string | undefined> {
    for (const p of paths) {
      if (
        await access(p).then(
          () => true,
          () => false,
        )
      )
        return p;
    }
    return undefined;
  }

  /** Pixels of an image's header (no process); width, height, bit rate and length of a proxy from ffprobe. */
  async function measure(kind: RenditionResult['kind'], file: string) {
    if (kind !== 'proxy') {
      // Stills, posters, filmstrips and waveforms are small (a few hundred KiB at most): read whole.
      const { width, height } = imageSize(await readFile(file));
      return { width, height };
    }
    const probe = await ffprobe(file);
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const bitRate = probeNumber(probe.format.bit_rate);
    return {
      width: video?.width,
      height: video?.height,
      bitRate: bitRate === undefined ? undefined : Math.round(bitRate),
      durationSeconds: probeNumber(probe.format.duration),
    };
  }

  async function describe(plan: RenditionPlan, file: string, rel: string) {
    const { kind, mediaType, tiles } = plan;
    const [{ sha256, sizeBytes }, measured] = await Promise.all([sha256File(file), measure(kind, file)]);
    // Only what was measured: an absent field is absent from the event, never null.
    const known = Object.fromEntries(Object.entries(measured).filter(([, v]) => v !== undefined && v !== 0));
    return {
      outcome: 'created' as const,
      kind,
      path: rel,
      mediaType,
      sizeBytes,
      sha256,
      ...known,
      ...(tiles ? { tiles } : {}),
    };
  }

  return async function make(request: MakeRequest): Promise<RenditionResult[]> {
    const guess = classByName(request.originalName);
    const source = await firstPresent(request.sources);
    if (!source) {
      const reason = `no copy of the asset is readable (tried ${request.sources.join(', ') || 'none'})`;
      return guess ? KINDS_OF[guess].map((kind) => ({ outcome: 'failed' as const, kind, reason })) : [];
    }
    let probe: ProbeResult;
    try {
      probe = await ffprobe(source, { signal: request.signal });
    } catch (err) {
      if (request.signal?.aborted) throw err;
      return guess ? KINDS_OF[guess].map((kind) => ({ outcome: 'failed' as const, kind, reason: reasonOf(err) })) : [];
    }
    const cls = classify(probe);
    if (!cls) return [];
    const duration = probeNumber(probe.format.duration) ?? 0;
    const dir = assetDir(request.assetId);
    await mkdir(join(centerRoot, dir), { recursive: true });
    // A rendition's hash and measure run while ffmpeg makes the next one: the same work, overlapped, so the
    // job takes little more than its ffmpeg runs (bench/media/proxy.ts).
    const results: Array<Promise<RenditionResult>> = [];
    // Awaited together at the end, in order; an abort's rejection must not go unhandled while a later ffmpeg runs.
    const keep = (result: Promise<RenditionResult>) => {
      result.catch(() => undefined);
      results.push(result);
    };
    const failed = async (plan: RenditionPlan, output: string, err: unknown): Promise<RenditionResult> => {
      // Stopped (the hub is going down): nothing is recorded, the request stays owed for the next start.
      if (request.signal?.aborted) throw err;
      // An older rendition of this kind is void once this one failed: the file goes with it.
      await rm(output, { force: true });
      return { outcome: 'failed', kind: plan.kind, reason: reasonOf(err) };
    };
    for (const plan of planRenditions(source, cls, duration, options)) {
      const rel = `${dir}/${plan.file}`;
      const output = join(centerRoot, rel);
      try {
        await runFfmpeg({ args: plan.args, output, durationSeconds: duration || undefined, signal: request.signal });
      } catch (err) {
        if (request.signal?.aborted) throw err;
        keep(failed(plan, output, err));
        continue;
      }
      keep(describe(plan, output, rel).catch((err: unknown) => failed(plan, output, err)));
    }
    return Promise.all(results);
  };
}

export type RenditionsMaker = ReturnType<typeof createRenditionsMaker>;
