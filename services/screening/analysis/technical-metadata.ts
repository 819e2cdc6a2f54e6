/**
 * What deep analysis learns about a media file, normalised so policies and
 * read models need not know MediaInfo's vocabulary. Absent fields were not
 * found (a WAV has no video, a PNG no duration).
 */
export interface TechnicalMetadata {
  /** `mxf`, `mp4`, `mov`, `wav`, `png`, `jpeg`, or MediaInfo's own name in lower case for anything else. */
  container: string;
  /** `mpeg2`, `h264`, `hevc`, `prores`, `dnxhd`, `jpeg2000`, `mpeg4`, `png`, `jpeg`, ... */
  videoCodec?: string;
  width?: number;
  height?: number;
  /** Frames per second, e.g. 25 or 29.97. */
  frameRate?: number;
  /** Overall bit rate, bits per second. */
  bitRate?: number;
  durationSeconds?: number;
  /** `pcm`, `aac`, `mp3`, `ac3`, `eac3`, ... */
  audioCodec?: string;
  channels?: number;
  /** Audio sample rate, Hz. */
  sampleRate?: number;
  /** Audio bit depth. */
  bitDepth?: number;
}

/** MediaInfo `Format` values mapped to the hub's codec names; unlisted ones are lower-cased. */
const CODECS: Readonly<Record<string, string>> = {
  'mpeg video': 'mpeg2',
  avc: 'h264',
  hevc: 'hevc',
  prores: 'prores',
  'vc-3': 'dnxhd',
  'jpeg 2000': 'jpeg2000',
  'mpeg-4 visual': 'mpeg4',
  'mpeg audio': 'mp3',
  'ac-3': 'ac3',
  'e-ac-3': 'eac3',
};

const CONTAINERS: Readonly<Record<string, string>> = {
  mxf: 'mxf',
  'mpeg-4': 'mp4',
  wave: 'wav',
  wave64: 'wav',
  png: 'png',
  jpeg: 'jpeg',
};

type Track = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

function numeric(value: unknown): number | undefined {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function codecName(format: unknown, version?: unknown): string | undefined {
  const name = text(format)?.toLowerCase();
  if (name === undefined) return undefined;
  // MPEG-1 video shares the 'MPEG Video' format name with MPEG-2.
  if (name === 'mpeg video' && text(version) === '1') return 'mpeg1';
  return CODECS[name] ?? name;
}

function containerName(general: Track | undefined): string {
  const name = text(general?.Format)?.toLowerCase() ?? 'unknown';
  if (name === 'mpeg-4' && text(general?.Format_Profile) === 'QuickTime') return 'mov';
  return CONTAINERS[name] ?? name;
}

/** Drops undefined fields so results compare and serialise cleanly. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Normalises MediaInfo's tracks (object output) into `TechnicalMetadata`. */
export function toTechnicalMetadata(tracks: readonly Track[]): TechnicalMetadata {
  const byType = (type: string) => tracks.find((track) => track['@type'] === type);
  const general = byType('General');
  const picture = byType('Video') ?? byType('Image');
  const audio = byType('Audio');
  return defined({
    container: containerName(general),
    videoCodec: codecName(picture?.Format, picture?.Format_Version),
    width: numeric(picture?.Width),
    height: numeric(picture?.Height),
    frameRate: numeric(picture?.FrameRate ?? general?.FrameRate),
    bitRate: numeric(general?.OverallBitRate),
    durationSeconds: numeric(general?.Duration),
    audioCodec: codecName(audio?.Format),
    channels: numeric(audio?.Channels),
    sampleRate: numeric(audio?.SamplingRate),
    bitDepth: numeric(audio?.BitDepth),
  });
}
