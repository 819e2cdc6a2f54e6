import { ValidationError } from '../../lib/errors';

/** The source's picture size as probed; absent for audio-only sources or when unknown. */
export interface SourceRaster {
  width: number;
  height: number;
}

/**
 * What a rendition of a profile must be, in ffprobe's terms (`codec_name`,
 * `pix_fmt`, `format_name`): tests and the bench check renditions against it.
 */
export interface RenditionSpec {
  /** One of the names in ffprobe's `format_name` (`mov,mp4,m4a,...` contains `mp4`). */
  format: string;
  video: { codec: string; pixelFormat: string; width?: number; height?: number; frameRate?: number };
  audio: { codec: string; sampleRate: number };
}

/** One house format: the ffmpeg output options that make it and what the result is. */
export interface HouseProfile {
  name: string;
  description: string;
  /** The rendition's file extension, with the dot: the delivered file takes it. */
  extension: string;
  /**
   * ffmpeg options after the input: stream maps, filters, codecs, muxer. Never
   * the input, the output path or `-progress`, which the runner adds.
   */
  outputArgs(source?: SourceRaster): string[];
  result: RenditionSpec;
}

// Audio-only sources have no video stream to map: `?` makes each map optional.
const MAPS = ['-map', '0:v:0?', '-map', '0:a?'];
// 16:9 HD from any raster: fit inside 1920x1080 and pad, square pixels; a source that is already 1920x1080
// keeps its raster (no filter at all, so nothing is resampled).
const FIT_HD = 'scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1';

const xdcamHd422: HouseProfile = {
  name: 'xdcam-hd422-mxf',
  description: 'XDCAM HD422: MPEG-2 4:2:2 50 Mbit/s CBR, 1920x1080 25i (top field first), PCM 48 kHz 24-bit, MXF OP1a',
  extension: '.mxf',
  outputArgs: (source) => [
    ...MAPS,
    ...(source?.width === 1920 && source.height === 1080 ? [] : ['-vf', FIT_HD]),
    ...['-r', '25', '-c:v', 'mpeg2video', '-pix_fmt', 'yuv422p'],
    // Constant 50 Mbit/s with the 422P@HL VBV buffer (17,825,792 bits), long GOP 12 with 2 B-frames: XDCAM HD422.
    ...['-b:v', '50M', '-minrate', '50M', '-maxrate', '50M', '-bufsize', '17825792', '-rc_init_occupancy', '17825792'],
    ...['-rc_max_vbv_use', '1', '-rc_min_vbv_use', '1', '-g', '12', '-bf', '2'],
    // 25i: interlaced DCT and motion estimation, top field first.
    ...['-flags', '+ildct+ilme', '-top', '1', '-field_order', 'tt'],
    ...['-dc', '10', '-intra_vlc', '1', '-non_linear_quant', '1', '-qmax', '12', '-lmin', '1*QP2LAMBDA'],
    ...['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'],
    ...['-c:a', 'pcm_s24le', '-ar', '48000', '-f', 'mxf'],
  ],
  result: {
    format: 'mxf',
    video: { codec: 'mpeg2video', pixelFormat: 'yuv422p', width: 1920, height: 1080, frameRate: 25 },
    audio: { codec: 'pcm_s24le', sampleRate: 48000 },
  },
};

const h264AacMp4: HouseProfile = {
  name: 'h264-aac-mp4',
  description: 'H.264 High 4:2:0 (CRF 20) and AAC-LC 192 kbit/s 48 kHz in MP4, moov atom first for progressive play',
  extension: '.mp4',
  outputArgs: () => [
    ...MAPS,
    // 4:2:0 needs even dimensions; on an even raster the filter passes frames through untouched.
    ...['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
    ...['-profile:v', 'high', '-preset', 'medium', '-crf', '20'],
    ...['-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-movflags', '+faststart', '-f', 'mp4'],
  ],
  result: {
    format: 'mp4',
    video: { codec: 'h264', pixelFormat: 'yuv420p' },
    audio: { codec: 'aac', sampleRate: 48000 },
  },
};

const PROFILES: readonly HouseProfile[] = [xdcamHd422, h264AacMp4];

// Options the runner owns (interfaces.md 2): a profile naming them would write a second output or read a
// second input. Checked once at load, so a bad edit to a profile fails every test that imports this module.
const RUNNER_OWNED = new Set(['-i', '-progress', '-y', '-n', '-nostdin']);
for (const p of PROFILES) {
  const owned = p.outputArgs().find((arg) => RUNNER_OWNED.has(arg));
  if (owned) throw new ValidationError(`house profile ${p.name}: ${owned} is the runner's, not a profile's`);
  if (!/^\.[a-z0-9]+$/.test(p.extension)) throw new ValidationError(`house profile ${p.name}: bad extension`);
}

/** Every house profile name, for validating `AcceptancePolicy.transcode`. */
export const houseProfileNames: readonly string[] = PROFILES.map((p) => p.name);

export const isHouseProfileName = (name: string): boolean => houseProfileNames.includes(name);

/** The profile of that name; a ValidationError naming the known profiles otherwise. */
export function houseProfile(name: string): HouseProfile {
  const found = PROFILES.find((p) => p.name === name);
  if (!found) {
    throw new ValidationError(`unknown house profile '${name}'; known: ${houseProfileNames.join(', ')}`, {
      field: 'profile',
    });
  }
  return found;
}

/** `clip.mp4` + xdcam-hd422-mxf -> `clip.mxf`: the delivered rendition's name. */
export function renditionName(originalName: string, profile: HouseProfile): string {
  const dot = originalName.lastIndexOf('.');
  return `${dot > 0 ? originalName.slice(0, dot) : originalName}${profile.extension}`;
}
