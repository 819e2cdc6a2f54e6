// Transcoding on delivery (issue 14, bench/media): the hub's rendition step
// against plain ffmpeg with the same arguments, in the same process and run.
//
//   node bin/run-ts.js bench/media/transcode.ts [--seconds 30] [--rounds 3] [--profile xdcam-hd422-mxf]
//
// Source: an H.264/AAC MP4 (1280x720 25 fps, AAC 48 kHz) of `--seconds`,
// made by ffmpeg first (not timed). Hub: the renderer the transfer saga uses
// (services/transfer/transcode/renderer.ts): ffmpeg with the profile's
// arguments and -progress parsed, then the rendition checked against
// broadcast's policy by screening's analysis (as hub/parts/transfer.ts wires
// it) and hashed, side by side. Plain: /usr/bin/ffmpeg with the same input and
// output arguments, nothing else. Rounds alternate which side goes first;
// the median of each side counts. Printed: seconds of work per minute of
// source for each, and ratio = plain / hub (1.0: the hub adds nothing; the
// issue asks for at least 0.95).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { houseProfile } from '../../formats/house-profiles/profiles';
import { renditionChecker } from '../../hub/parts/transfer';
import { createAnalyzer } from '../../services/screening/analysis/analyze';
import { createRenderer } from '../../services/transfer/transcode/renderer';

const run = promisify(execFile);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '30'));
const ROUNDS = Number(arg('rounds', '3'));
const PROFILE = arg('profile', 'xdcam-hd422-mxf');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perMinute = (ms: number) => (ms / 1000) * (60 / SECONDS);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mxhub-bench-transcode-'));
  const source = join(dir, 'source.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000'],
    ...['-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    source,
  ]);
  const profile = houseProfile(PROFILE);
  const analyzer = createAnalyzer();
  // One at a time: the bench compares one rendition with one ffmpeg, not the limiter.
  const renderer = createRenderer({ checkRendition: renditionChecker(analyzer) }, { concurrency: 1 });
  const raster = { width: 1280, height: 720 };

  // ffmpeg's last -progress block (progress=end) marks its end: what follows is the check and the hash.
  const after: number[] = [];
  const hubRun = async (round: number) => {
    const started = performance.now();
    let lastProgress = started;
    await renderer.render({
      transferId: `bench-${round}`,
      profile: PROFILE,
      source,
      originalName: 'source.mp4',
      sourceRoot: dir,
      target: 'broadcast',
      raster,
      durationSeconds: SECONDS,
      signal: new AbortController().signal,
      onProgress: () => (lastProgress = performance.now()),
    });
    const ms = performance.now() - started;
    after.push(performance.now() - lastProgress);
    await renderer.remove(dir, `bench-${round}`);
    return ms;
  };
  const plainRun = async () => {
    const out = join(dir, `plain${profile.extension}`);
    const started = performance.now();
    await run('/usr/bin/ffmpeg', [
      ...['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'],
      ...['-i', source, ...profile.outputArgs(raster), out],
    ]);
    const ms = performance.now() - started;
    await rm(out, { force: true });
    return ms;
  };

  const hub: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      hub.push(await hubRun(round));
      plain.push(await plainRun());
    } else {
      plain.push(await plainRun());
      hub.push(await hubRun(round));
    }
    const checks = `${after.at(-1)!.toFixed(0)} ms of it after ffmpeg`;
    console.log(
      `round ${round + 1}: hub ${hub.at(-1)!.toFixed(0)} ms (${checks}), plain ${plain.at(-1)!.toFixed(0)} ms`,
    );
  }
  const h = median(hub);
  const p = median(plain);
  console.log(
    JSON.stringify({
      profile: PROFILE,
      sourceSeconds: SECONDS,
      rounds: ROUNDS,
      hubSecondsPerSourceMinute: Number(perMinute(h).toFixed(2)),
      plainSecondsPerSourceMinute: Number(perMinute(p).toFixed(2)),
      hubAfterFfmpegSecondsPerSourceMinute: Number(perMinute(median(after)).toFixed(2)),
      ratio: Number((p / h).toFixed(3)),
    }),
  );
  await analyzer.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
