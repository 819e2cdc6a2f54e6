import type { ByteSource } from '../intrusion/byte-source';
import type { MediaFormat } from './detect-format';
import { wavSamplesOffset } from './structure-wav';

/** Samples of a WAV MediaInfo still sees: enough for it to confirm the coding the `fmt ` chunk declares. */
export const WAV_SAMPLES_READ = 64 * 1024;

/**
 * What of a file MediaInfo is given to read, by format: only what the
 * technical metadata needs, so analysis costs the same for a 1 GiB file as
 * for a 1 MiB one.
 *
 * - WAV: the header, the chunk index and the first 64 KiB of samples. MediaInfo
 *   otherwise follows PCM samples to the end of the file (measured: all
 *   1 GiB of a 1 GiB WAV, 4096 reads, 6.5-19 s on this shared VM) to report what
 *   the `fmt ` chunk and the `data` size already say; cut after 64 KiB of samples,
 *   it reports the same fields (codec, channels, rate, depth, duration, bit
 *   rate). The structure check (structure-wav.ts) has walked every chunk
 *   header already, so nothing of the file goes unchecked that a check needs.
 * - MP4/MOV: whole, because MediaInfo seeks to `moov` itself and skips
 *   `mdat` (measured: 1.37 MB read of a 1.1 MB MP4, in 7 reads); cutting the
 *   view would hide a `moov` at the end.
 * - MXF: whole as yet. MediaInfo reads much of the essence (68 MB of a 97 MB
 *   MPEG-2 MXF); a cut to the partitions and index must keep the footer and
 *   its index reachable, and is left for the issue 12 note.
 * - Anything else: whole.
 *
 * Reads past the cut return nothing, which MediaInfo takes as the end of the
 * data (so the view is for MediaInfo only); it keeps the file's real size so durations stay right.
 */
export async function metadataExtent(source: ByteSource, format: MediaFormat): Promise<ByteSource> {
  if (format !== 'wav') return source;
  const samples = await wavSamplesOffset(source);
  if (samples === undefined) return source;
  const limit = Math.min(source.size, samples + WAV_SAMPLES_READ);
  return {
    size: source.size,
    read: (offset, length) =>
      offset >= limit ? Promise.resolve(Buffer.alloc(0)) : source.read(offset, Math.min(length, limit - offset)),
  };
}
