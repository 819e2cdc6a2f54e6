// Browse renditions (issue 14 item 3, bench/media): the media service's maker
// against plain ffmpeg with the same arguments, in the same process and run.
//
//   node bin/run-ts.js bench/media/proxy.ts [--seconds 30] [--rounds 3]
//
// Source: an H.264/AAC MP4 (1280x720 25 fps, AAC 48 kHz) of `--seconds`,
// made by ffmpeg first (not timed). Hub: what one job of the media service
// does for a video (services/media/renditions-maker.ts): ffprobe the source,
// then proxy, poster and filmstrip through lib/ffmpeg's runner (partial file,
// -progress parsed, rename), each hashed and probed. Plain: /usr/bin/ffmpeg
// with the same arguments for the same three outputs (planRenditions gives
// both sides their arguments), nothing else. Rounds alternate which side goes
// first; the median of each side counts. Printed: seconds of work per minute
// of source for each, and ratio = plain / hub (1.0: the hub adds nothing; the
// issue asks for at least 0.95).
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { planRenditions, renditionDefaults } from '../../services/media/domain/renditions';
import { createRenditionsMaker } from '../../services/media/renditions-maker';

const run = promisify(execFile);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '30'));
const ROUNDS = Number(arg('rounds', '3'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perMinute = (ms: number) => (ms / 1000) * (60 / SECONDS);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mxhub-bench-proxy-'));
  const source = join(dir, 'source.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000'],
    ...['-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    source,
  ]);
  const center = join(dir, 'center');
  const make = createRenditionsMaker(center, renditionDefaults);

  const hubRun = async (round: number) => {
    const started = performance.now();
    const results = await make({ assetId: `bench-${round}`, sources: [source], originalName: 'source.mp4' });
    const ms = performance.now() - started;
    const failed = results.filter((r) => r.outcome === 'failed');
    if (results.length !== 3 || failed.length)
      throw new Error(`the maker did not make all three: ${JSON.stringify(failed)}`);
    await rm(join(center, `bench-${round}`), { recursive: true, force: true });
    return ms;
  };
  const plainRun = async () => {
    const out = join(dir, 'plain');
    await mkdir(out, { recursive: true });
    const started = performance.now();
    for (const plan of planRenditions(source, 'video', SECONDS, renditionDefaults)) {
      await run('/usr/bin/ffmpeg', [
        ...['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'],
        ...plan.args,
        join(out, plan.file),
      ]);
    }
    const ms = performance.now() - started;
    await rm(out, { recursive: true, force: true });
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
    console.log(`round ${round + 1}: hub ${hub.at(-1)!.toFixed(0)} ms, plain ${plain.at(-1)!.toFixed(0)} ms`);
  }
  const h = median(hub);
  const p = median(plain);
  console.log(
    JSON.stringify({
      renditions: ['proxy', 'poster', 'filmstrip'],
      sourceSeconds: SECONDS,
      rounds: ROUNDS,
      hubSecondsPerSourceMinute: Number(perMinute(h).toFixed(2)),
      plainSecondsPerSourceMinute: Number(perMinute(p).toFixed(2)),
      ratio: Number((p / h).toFixed(3)),
    }),
  );
  await rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
