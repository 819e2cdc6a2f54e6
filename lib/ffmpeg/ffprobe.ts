import { FfmpegError } from '../errors';
import { execFileText } from '../spawner/spawner';

export const FFPROBE_PATH = '/usr/bin/ffprobe';

/** The fields of ffprobe's JSON the hub reads; ffprobe gives numbers of the format as strings. */
export interface ProbeStream {
  index: number;
  codec_type?: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment';
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
  duration?: string;
  [field: string]: unknown;
}

export interface ProbeResult {
  streams: ProbeStream[];
  format: {
    filename: string;
    format_name?: string;
    duration?: string;
    size?: string;
    bit_rate?: string;
    [field: string]: unknown;
  };
}

/**
 * Runs `ffprobe -print_format json -show_format -show_streams` (from the spawner, lib/spawner); rejects
 * FfmpegError with ffprobe's reason.
 */
export async function ffprobe(path: string, options: { signal?: AbortSignal } = {}): Promise<ProbeResult> {
  let stdout: string;
  try {
    ({ stdout } = await execFileText(
      FFPROBE_PATH,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      { maxBuffer: 16 * 1024 * 1024, signal: options.signal },
    ));
  } catch (err) {
    const e = err as Error & { code?: unknown; stderr?: string };
    const why = e.code === 'ENOENT' ? `ffprobe is not installed at ${FFPROBE_PATH}` : e.stderr?.trim() || e.message;
    throw new FfmpegError(`ffprobe could not read ${path}: ${why}`);
  }
  const parsed = JSON.parse(stdout) as Partial<ProbeResult>;
  return { streams: parsed.streams ?? [], format: parsed.format ?? { filename: path } };
}

/** A numeric field of ffprobe's output (a string such as "2.000000" or "N/A") as a number, or undefined. */
export function probeNumber(value: string | number | undefined): number | undefined {
  const n = typeof value === 'number' ? value : Number.parseFloat(value ?? '');
  return Number.isFinite(n) ? n : undefined;
}
