// Start-up as a user meets it, each case a whole process timed from spawn, N
// runs, median, each run beside a run of the process floor (`node -e 0`) in
// the same round:
//   (a) `mxhub --help` until the process exits;
//   (b) a fresh `mxhub start --data <new dir> --port 0` until /health/ready
//       answers 200 (the embedded profile: PGlite, in-process backbone; YARA-X
//       alone unless clamd listens at its default address);
//   (c) a restart on the data directory (b) left, until /health/ready is 200.
// The hub is stopped with SIGTERM after each start; stopping is not timed.
//
//   node bin/run-ts.js bench/startup/run.ts     (npm run bench:startup)
//
// Environment: MXHUB_BENCH_STARTUP_RUNS (5); MXHUB_BENCH_ROOT, a checkout whose
// bin/mxhub.js to time (this one by default; `git archive <commit>` of an older
// one, with node_modules linked, gives its "before"); MXHUB_TSX=1 is passed on
// (bin/mxhub.js then runs the sources through tsx).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const RUNS = Number(process.env.MXHUB_BENCH_STARTUP_RUNS ?? 5);
const ROOT = resolve(process.env.MXHUB_BENCH_ROOT ?? join(__dirname, '..', '..'));
const BIN = join(ROOT, 'bin', 'mxhub.js');
const env = { ...process.env, NODE_OPTIONS: '' };

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

/** Wall time of a process from spawn to exit (it must exit 0). */
function timed(args: string[]): Promise<number> {
  const from = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((done, fail) =>
    child.once('exit', (code) =>
      code === 0 ? done(seconds(from)) : fail(new Error(`${args.join(' ')}: exit ${code}`)),
    ),
  );
}

/** Starts the hub on `dataDir`; resolves with the seconds from spawn to /health/ready 200, once it has stopped. */
async function startUntilReady(dataDir: string): Promise<number> {
  const from = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'start', '--data', dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let output = '';
  const url = new Promise<string>((done) =>
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"mxhub started"'));
      if (line) done((JSON.parse(line) as { url: string }).url);
    }),
  );
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await Promise.race([url, exited.then((code) => Promise.reject(new Error(`exit ${code}: ${output}`)))]);
  let ready = 0;
  for (;;) {
    const status = await fetch(`${base}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) {
      ready = seconds(from);
      break;
    }
    await sleep(20);
  }
  child.kill('SIGTERM');
  await exited;
  return ready;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (s: number) => `${s.toFixed(2)} s`;

async function main(): Promise<void> {
  const rows: Array<{ name: string; runs: number[]; floor: number[] }> = [
    { name: '`mxhub --help`', runs: [], floor: [] },
    { name: 'fresh `mxhub start` to /health/ready', runs: [], floor: [] },
    { name: 'restart on the same dir to /health/ready', runs: [], floor: [] },
  ];
  const [help, fresh, restart] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  // One run first, untimed: a build or template made on first need is not what a user meets twice.
  await timed([BIN, '--help']);
  const warm = mkdtempSync(join(tmpdir(), 'mxhub-bench-startup-'));
  await startUntilReady(warm);
  rmSync(warm, { recursive: true, force: true });

  for (let i = 0; i < RUNS; i++) {
    help.floor.push(await timed(['-e', '0']));
    help.runs.push(await timed([BIN, '--help']));
    const dir = mkdtempSync(join(tmpdir(), 'mxhub-bench-startup-'));
    try {
      fresh.floor.push(await timed(['-e', '0']));
      fresh.runs.push(await startUntilReady(dir));
      restart.floor.push(await timed(['-e', '0']));
      restart.runs.push(await startUntilReady(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`run ${i + 1}: ${rows.map((r) => `${fmt(r.runs[i]!)} (node -e 0 ${fmt(r.floor[i]!)})`).join(', ')}`);
  }
  console.log(`\n${BIN}${process.env.MXHUB_TSX === '1' ? ' (MXHUB_TSX=1)' : ''}, ${RUNS} runs, medians:\n`);
  console.log('| case | median | min | max | `node -e 0` | case / floor |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const m = median(r.runs);
    const f = median(r.floor);
    console.log(
      `| ${r.name} | ${fmt(m)} | ${fmt(Math.min(...r.runs))} | ${fmt(Math.max(...r.runs))} | ${fmt(f)} | ${(m / f).toFixed(1)} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
