export { runFfmpeg, partialPath, FFMPEG_PATH, type FfmpegJob } from './run-ffmpeg';
export { ffprobe, probeNumber, FFPROBE_PATH, type ProbeResult, type ProbeStream } from './ffprobe';
export type { FfmpegProgress } from './progress';
