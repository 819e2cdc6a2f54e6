import { extname } from 'node:path';
import type { FilmstripTiles, ProxyKind } from '../../../events/catalog/media-events';
import type { ProbeResult } from '../../../lib/ffmpeg';

export type MediaClass = 'video' | 'audio' | 'still';

/** Options of the renditions, with their defaults in `renditionDefaults`. */
export interface RenditionOptions {
  /** Seconds between two thumbnails of the filmstrip. @default 10 */
  filmstripIntervalSeconds: number;
}

export const renditionDefaults: RenditionOptions = { filmstripIntervalSeconds: 10 };

/** What each class of media gets, in the order they are made (the proxy first: it is what browsers wait for). */
export const KINDS_OF: Record<MediaClass, readonly ProxyKind[]> = {
  video: ['proxy', 'poster', 'filmstrip'],
  audio: ['proxy', 'waveform'],
  still: ['thumbnail'],
};

/** One rendition to make: ffmpeg's arguments (input included, output excluded), its file name and media type. */
export interface RenditionPlan {
  kind: ProxyKind;
  file: string;
  mediaType: string;
  args: string[];
  /** A filmstrip's layout, recorded in ProxyCreated so a player cuts the image as it was tiled. */
  tiles?: FilmstripTiles;
}

const VIDEO_EXT = new Set(['.mp4', '.mov', '.mxf', '.mkv', '.avi', '.mpg', '.mpeg', '.ts', '.m4v', '.webm', '.mts']);
const AUDIO_EXT = new Set(['.wav', '.mp3', '.aac', '.m4a', '.flac', '.ogg', '.bwf', '.aif', '.aiff']);
const STILL_EXT = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.webp', '.gif']);

/** The class a file's name promises, for a file ffprobe cannot read (so its failure can be told). */
export function classByName(name: string): MediaClass | undefined {
  const ext = extname(name).toLowerCase();
  if (VIDEO_EXT.has(ext)) return 'video';
  if (AUDIO_EXT.has(ext)) return 'audio';
  if (STILL_EXT.has(ext)) return 'still';
  return undefined;
}

/**
 * The class of what ffprobe read: a single image (an image demuxer) is a
 * still; moving pictures (a cover picture of an audio file does not count)
 * are video; sound alone is audio; anything else is not media.
 */
export function classify(probe: ProbeResult): MediaClass | undefined {
  const format = probe.format.format_name ?? '';
  const pictures = probe.streams.filter(
    (s) => s.codec_type === 'video' && (s.disposition as { attached_pic?: number } | undefined)?.attached_pic !== 1,
  );
  if (pictures.length > 0 && (format === 'image2' || format.endsWith('_pipe'))) return 'still';
  if (pictures.length > 0) return 'video';
  if (probe.streams.some((s) => s.codec_type === 'audio')) return 'audio';
  return undefined;
}

// At most 640x360 keeping the aspect, even sizes (H.264 4:2:0 needs them); never upscaled.
const FIT_360 = "scale=w='min(640,iw)':h='min(360,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2";
/** Filmstrip: thumbnails this wide, at most this many (a longer source spaces them wider). */
const TILE_WIDTH = 160;
const MAX_TILES = 100;
const TILE_COLUMNS = 10;

/** The filmstrip's layout for a source of `duration` seconds. */
export function filmstripLayout(durationSeconds: number, intervalSeconds: number) {
  const wanted = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const count = Math.min(wanted, MAX_TILES);
  const interval = count < wanted ? durationSeconds / MAX_TILES : intervalSeconds;
  const columns = Math.min(count, TILE_COLUMNS);
  return { count, interval, columns, rows: Math.ceil(count / columns) };
}

/** The browse proxy's arguments, shared with the benchmark (which runs plain ffmpeg with the same ones). */
export function proxyArgs(source: string, cls: 'video' | 'audio'): string[] {
  const input = ['-i', source];
  const audio = ['-c:a', 'aac', '-b:a', '96k', '-ac', '2'];
  // faststart: the index (moov) goes before the media data, so a browser plays while it downloads.
  const mp4 = ['-movflags', '+faststart'];
  if (cls === 'audio') return [...input, '-map', '0:a:0', '-vn', ...audio, ...mp4];
  return [
    ...input,
    ...['-map', '0:v:0', '-map', '0:a:0?', '-vf', `${FIT_360},format=yuv420p`],
    // ~1 Mbit/s in all: 900k video (capped, so a busy scene does not burst far above) and 96k audio.
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '900k', '-maxrate', '1000k', '-bufsize', '2000k'],
    ...audio,
    ...mp4,
  ];
}

/** Every rendition of a source of class `cls` lasting `durationSeconds` (0 when unknown). */
export function planRenditions(
  source: string,
  cls: MediaClass,
  durationSeconds: number,
  options: RenditionOptions = renditionDefaults,
): RenditionPlan[] {
  const jpeg = ['-frames:v', '1', '-q:v', '3'];
  const plans: Record<ProxyKind, () => RenditionPlan> = {
    proxy: () => ({
      kind: 'proxy',
      file: cls === 'audio' ? 'proxy.m4a' : 'proxy.mp4',
      mediaType: cls === 'audio' ? 'audio/mp4' : 'video/mp4',
      args: proxyArgs(source, cls === 'audio' ? 'audio' : 'video'),
    }),
    poster: () => ({
      kind: 'poster',
      file: 'poster.jpg',
      mediaType: 'image/jpeg',
      // A frame about 10% in: past a black or slate opening, still early in the story.
      args: ['-ss', (durationSeconds * 0.1).toFixed(3), '-i', source, '-vf', FIT_360, ...jpeg],
    }),
    filmstrip: () => {
      const { count, interval, columns, rows } = filmstripLayout(durationSeconds, options.filmstripIntervalSeconds);
      const vf = `fps=1/${interval.toFixed(3)},scale=${TILE_WIDTH}:-2,tile=${columns}x${rows}`;
      return {
        kind: 'filmstrip',
        file: 'filmstrip.jpg',
        mediaType: 'image/jpeg',
        args: ['-i', source, '-vf', vf, ...jpeg],
        tiles: { count, columns, rows, intervalSeconds: Number(interval.toFixed(3)) },
      };
    },
    waveform: () => ({
      kind: 'waveform',
      file: 'waveform.png',
      mediaType: 'image/png',
      args: [
        ...['-i', source, '-filter_complex', 'aformat=channel_layouts=mono,showwavespic=s=1200x240:colors=#3a7bd5'],
        ...['-frames:v', '1'],
      ],
    }),
    thumbnail: () => ({
      kind: 'thumbnail',
      file: 'thumbnail.jpg',
      mediaType: 'image/jpeg',
      args: ['-i', source, '-vf', `${FIT_360},format=yuvj420p`, ...jpeg],
    }),
  };
  return KINDS_OF[cls].map((kind) => plans[kind]());
}
