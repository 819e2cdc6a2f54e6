// Transfer copier throughput: the copier's saga steps (reserve, copy with
// SHA-256 in the same pass, verify, commit into inbox/ with a sidecar,
// fsyncs included) against `cp` of the same files, in the same run, on the
// same disk:
//   (a) one large file, runs alternated with cp;
//   (b) 16 parallel transfers against 16 parallel cp;
//   (c) 10,000 files of 100 KB: files per second, and the share of time
//       spent outside the copy itself (a plain read+write of each file).
//
//   node bin/run-ts.js bench/transfer/run.ts          (npm run bench:transfer)
//
// Environment: MXHUB_BENCH_TRANSFER_BYTES (2 GiB), MXHUB_BENCH_TRANSFER_ROUNDS
// (2), MXHUB_BENCH_TRANSFER_PARALLEL_BYTES (256 MiB each of 16),
// MXHUB_BENCH_TRANSFER_FILES (10000), MXHUB_BENCH_TRANSFER_FILE_BYTES
// (100000), MXHUB_BENCH_TRANSFER_CONCURRENCY (16), MXHUB_BENCH_DIR (os tmpdir;
// put it on the disk you want to measure).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapWithLimit } from '../../services/screening/scan-media/pool';
import { createCopier } from '../../services/transfer/copier/copier';
import { cacheNote, compareLarge, compareMany } from './baselines';
import { clearTarget, deliver, jobFor, makeNodes, noSteps, stage, timed, type Nodes, type Staged } from './fixtures';

const env = process.env;
const BIG = Number(env.MXHUB_BENCH_TRANSFER_BYTES ?? 2 * 1024 ** 3);
const ROUNDS = Number(env.MXHUB_BENCH_TRANSFER_ROUNDS ?? 2);
const PARALLEL_BYTES = Number(env.MXHUB_BENCH_TRANSFER_PARALLEL_BYTES ?? 256 * 1024 ** 2);
const FILES = Number(env.MXHUB_BENCH_TRANSFER_FILES ?? 10_000);
const FILE_BYTES = Number(env.MXHUB_BENCH_TRANSFER_FILE_BYTES ?? 100_000);
const CONCURRENCY = Number(env.MXHUB_BENCH_TRANSFER_CONCURRENCY ?? 16);
const PARALLEL = 16;

async function hubFiles(nodes: Nodes, files: Staged[]): Promise<number> {
  await clearTarget(nodes);
  const copier = createCopier();
  const ms = await timed(() => Promise.all(files.map((f) => deliver(copier, jobFor(nodes, f), noSteps()))));
  if ((await readdir(join(nodes.targetRoot, 'inbox'))).length !== files.length * 2)
    throw new Error('a delivery is missing');
  return ms;
}

async function largeFiles(nodes: Nodes, label: string, files: Staged[]): Promise<void> {
  await compareLarge(nodes, files, { rounds: ROUNDS, label, hubLabel: 'hub reserve+copy+verify+commit' }, () =>
    hubFiles(nodes, files),
  );
}

async function manyFiles(nodes: Nodes): Promise<void> {
  const folder = 'bulk';
  const files = await mapWithLimit(
    Array.from({ length: FILES }, (_, i) => i),
    16,
    (i) => stage(nodes, `f${String(i).padStart(5, '0')}.wav`, FILE_BYTES, folder),
  );
  const steps = noSteps();
  await compareMany(
    nodes,
    files,
    { folder, concurrency: CONCURRENCY, hubLabel: 'hub reserve+copy+verify+commit' },
    () => {
      const copier = createCopier();
      return timed(() => mapWithLimit(files, CONCURRENCY, (f) => deliver(copier, jobFor(nodes, f), steps)));
    },
  );
  const stepSum = Object.values(steps).reduce((a, b) => a + b, 0);
  console.log(
    `  step time summed over files: ${Object.entries(steps)
      .map(([k, v]) => `${k} ${((v / stepSum) * 100).toFixed(0)}%`)
      .join(', ')}`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(env.MXHUB_BENCH_DIR ?? tmpdir(), 'mxhub-bench-transfer-'));
  console.log(`transfer copier bench in ${dir}`);
  console.log(cacheNote());
  try {
    const nodes = await makeNodes(dir);
    const big = await stage(nodes, 'big.mxf', BIG);
    await largeFiles(nodes, 'one large file', [big]);
    await rm(big.path);
    const parallel = [];
    for (let i = 0; i < PARALLEL; i += 1) parallel.push(await stage(nodes, `p${i}.mxf`, PARALLEL_BYTES));
    await largeFiles(nodes, `${PARALLEL} files in parallel`, parallel);
    for (const f of parallel) await rm(f.path);
    await manyFiles(nodes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
