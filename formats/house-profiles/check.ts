import type { RenditionSpec } from './profiles';

/** The part of `ffprobe -print_format json -show_format -show_streams` a rendition is checked on. */
export interface ProbedMedia {
  format: { format_name?: string };
  streams: ReadonlyArray<{
    codec_type?: string;
    codec_name?: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
    sample_rate?: string;
  }>;
}

const rate = (fraction: string | undefined): number | undefined => {
  if (!fraction) return undefined;
  const [num = NaN, den = 1] = fraction.split('/').map(Number);
  return num / den;
};

/**
 * How a probed file differs from what its profile makes, one line per
 * difference (empty: it is what the profile promises). Pure. A source
 * without audio (or video) makes a rendition without it, so a missing
 * stream is not a difference; every stream present is checked.
 */
export function renditionMismatches(spec: RenditionSpec, probe: ProbedMedia): string[] {
  const out: string[] = [];
  const formats = probe.format.format_name?.split(',') ?? [];
  if (!formats.includes(spec.format)) out.push(`format ${probe.format.format_name}, expected ${spec.format}`);
  for (const s of probe.streams) {
    if (s.codec_type === 'video') {
      const v = spec.video;
      if (s.codec_name !== v.codec) out.push(`video codec ${s.codec_name}, expected ${v.codec}`);
      if (s.pix_fmt !== v.pixelFormat) out.push(`pixel format ${s.pix_fmt}, expected ${v.pixelFormat}`);
      if (v.width !== undefined && (s.width !== v.width || s.height !== v.height)) {
        out.push(`raster ${s.width}x${s.height}, expected ${v.width}x${v.height}`);
      }
      const fps = rate(s.r_frame_rate);
      if (v.frameRate !== undefined && (fps === undefined || Math.abs(fps - v.frameRate) > 0.01)) {
        out.push(`frame rate ${s.r_frame_rate}, expected ${v.frameRate}`);
      }
    } else if (s.codec_type === 'audio') {
      const a = spec.audio;
      if (s.codec_name !== a.codec) out.push(`audio codec ${s.codec_name}, expected ${a.codec}`);
      if (Number(s.sample_rate) !== a.sampleRate) out.push(`sample rate ${s.sample_rate}, expected ${a.sampleRate}`);
    }
  }
  return out;
}
