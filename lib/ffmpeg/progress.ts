/**
 * ffmpeg's `-progress` output: blocks of `key=value` lines, each ended by a
 * `progress=continue` (or `progress=end`) line. Fed chunks as they come from
 * the pipe (a line may be split across chunks), it calls back once per block.
 */
export interface FfmpegProgress {
  outTimeSeconds: number;
  /** outTimeSeconds / the source's duration, at most 1; absent when the duration is not known. */
  fraction?: number;
  /** Times real time (`speed=2.5x`); absent while ffmpeg reports N/A. */
  speed?: number;
}

/** `HH:MM:SS.micro` (out_time) to seconds; undefined for N/A or anything else. */
function clock(value: string | undefined): number | undefined {
  const m = value?.match(/^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  if (!m) return undefined;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? 0 : seconds;
}

function blockToProgress(block: Map<string, string>, durationSeconds?: number): FfmpegProgress {
  // out_time_us is the precise one; out_time is the fallback of older builds (out_time_ms is microseconds too).
  const micros = Number(block.get('out_time_us') ?? block.get('out_time_ms'));
  const fromMicros = Number.isFinite(micros) ? Math.max(0, micros) / 1e6 : undefined;
  const outTimeSeconds = fromMicros ?? clock(block.get('out_time')) ?? 0;
  const speed = Number.parseFloat(block.get('speed') ?? '');
  const progress: FfmpegProgress = { outTimeSeconds };
  if (durationSeconds && durationSeconds > 0) {
    progress.fraction = block.get('progress') === 'end' ? 1 : Math.min(1, outTimeSeconds / durationSeconds);
  }
  if (Number.isFinite(speed)) progress.speed = speed;
  return progress;
}

export function createProgressParser(
  onProgress: (p: FfmpegProgress) => void,
  durationSeconds?: number,
): (chunk: Buffer | string) => void {
  let pending = '';
  let block = new Map<string, string>();
  return (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      block.set(key, line.slice(eq + 1));
      if (key === 'progress') {
        onProgress(blockToProgress(block, durationSeconds));
        block = new Map();
      }
    }
  };
}
