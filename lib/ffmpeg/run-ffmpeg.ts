import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { FfmpegError } from '../errors';
import { spawnChild } from '../spawner/spawner';
import { createProgressParser, type FfmpegProgress } from './progress';

/** Debian's ffmpeg; the hub is deployed with it (`.ci/run` and the README install it). */
export const FFMPEG_PATH = '/usr/bin/ffmpeg';
/** How long a SIGTERMed ffmpeg has to finish its output before it is killed. */
const KILL_AFTER_MS = 2000;
/** Lines of stderr kept for the error: ffmpeg says why it failed in its last few. */
const REASON_LINES = 5;

export interface FfmpegJob {
  /** Inputs, filters, codecs: everything but the output path and -progress, which the runner adds. */
  args: string[];
  /** Final path; ffmpeg writes `<dir>/.<name>.<random>.part<ext>` (same extension) and it is renamed on success. */
  output: string;
  /** Seconds of the source, for a fraction in progress. */
  durationSeconds?: number;
  /** Abort kills ffmpeg (SIGTERM, SIGKILL after 2 s) and removes the partial file. */
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

/** The file ffmpeg writes into: hidden and in the same directory, so the final rename is atomic. */
export function partialPath(output: string): string {
  const ext = extname(output);
  const name = basename(output, ext);
  return join(dirname(output), `.${name}.${randomBytes(6).toString('hex')}.part${ext}`);
}

function lastLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-REASON_LINES)
    .join('\n');
}

/**
 * Runs ffmpeg into a partial file and renames it to `job.output` on success.
 * Rejects with FfmpegError (its message ends with ffmpeg's last stderr lines)
 * when ffmpeg fails, cannot start, or is aborted; in every failure the
 * partial file is removed and `job.output` is left as it was.
 */
export function runFfmpeg(job: FfmpegJob): Promise<void> {
  const { signal } = job;
  if (signal?.aborted) {
    return Promise.reject(new FfmpegError(`ffmpeg was aborted before writing ${job.output}`, { aborted: true }));
  }
  const part = partialPath(job.output);
  // -loglevel error: stderr then holds only what went wrong, so its last lines are the reason.
  const argv = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...job.args];
  argv.push('-progress', 'pipe:1', '-nostats', part);

  return new Promise<void>((resolve, reject) => {
    let stderr = '';
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const feed = job.onProgress ? createProgressParser(job.onProgress, job.durationSeconds) : undefined;
    const fail = async (error: FfmpegError) => {
      await rm(part, { force: true });
      reject(error);
    };
    // From the spawner (lib/spawner), so the fork of a large process does not hold the hub's thread.
    const child = spawnChild(FFMPEG_PATH, argv, {
      stdout: (chunk) => feed?.(chunk),
      stderr(chunk) {
        // Only the tail matters; keep it bounded whatever ffmpeg prints.
        stderr = (stderr + chunk.toString()).slice(-8192);
      },
      end(outcome) {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        if (outcome.error) {
          const why =
            outcome.error.code === 'ENOENT' ? `ffmpeg is not installed at ${FFMPEG_PATH}` : outcome.error.message;
          void fail(new FfmpegError(`ffmpeg could not start writing ${job.output}: ${why}`));
        } else if (aborted) {
          void fail(new FfmpegError(`ffmpeg was aborted writing ${job.output}`, { aborted: true }));
        } else if (outcome.code === 0) {
          rename(part, job.output).then(resolve, (err: Error) =>
            fail(new FfmpegError(`ffmpeg wrote ${part} but it could not be renamed to ${job.output}: ${err.message}`)),
          );
        } else {
          const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
          const reason = lastLines(stderr) || '(no message on stderr)';
          void fail(new FfmpegError(`ffmpeg ${how} writing ${job.output}: ${reason}`, { exitCode: outcome.code }));
        }
      },
    });
    const onAbort = () => {
      aborted = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
