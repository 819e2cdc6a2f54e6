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
import { writeFileSync } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapWithLimit } from '../../services/screening/scan-media/pool';
import { createCopier } from '../../services/transfer/copier/copier';
import {
  clearTarget,
  deliver,
  jobFor,
  makeNodes,
  noSteps,
  run,
  stage,
  timed,
  type Nodes,
  type Staged,
} from './fixtures';

const env = process.env;
const BIG = Number(env.MXHUB_BENCH_TRANSFER_BYTES ?? 2 * 1024 ** 3);
const ROUNDS = Number(env.MXHUB_BENCH_TRANSFER_ROUNDS ?? 2);
const PARALLEL_BYTES = Number(env.MXHUB_BENCH_TRANSFER_PARALLEL_BYTES ?? 256 * 1024 ** 2);
const FILES = Number(env.MXHUB_BENCH_TRANSFER_FILES ?? 10_000);
const FILE_BYTES = Number(env.MXHUB_BENCH_TRANSFER_FILE_BYTES ?? 100_000);
const CONCURRENCY = Number(env.MXHUB_BENCH_TRANSFER_CONCURRENCY ?? 16);
const PARALLEL = 16;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mbps = (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
const best = (xs: number[]) => Math.min(...xs);

function canDropCaches(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}
const dropCaches = canDropCaches();

/** Runs the hub and the baseline alternately, `rounds` times each, starting with each in turn. */
async function alternate(
  rounds: number,
  hub: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<{ hub: number[]; baseline: number[] }> {
  const out = { hub: [] as number[], baseline: [] as number[] };
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
    for (const side of order) {
      // The previous run's dirty pages are written back first, so no run pays for another's writes.
      await run('sync', []);
      if (dropCaches) writeFileSync('/proc/sys/vm/drop_caches', '3');
      out[side].push(await (side === 'hub' ? hub : baseline)());
    }
  }
  return out;
}

/** `cp` of each file into inbox/, all at once; then the time to fsync the copies (`sync FILE...`). */
async function cpFiles(nodes: Nodes, files: Staged[]): Promise<{ cp: number; sync: number }> {
  await clearTarget(nodes);
  const targets = files.map((f, i) => join(nodes.targetRoot, 'inbox', `${i}-${f.name}`));
  const cp = await timed(() => Promise.all(files.map((f, i) => run('cp', [f.path, targets[i]!]))));
  const sync = await timed(() => run('sync', targets));
  return { cp, sync };
}

async function hubFiles(nodes: Nodes, files: Staged[]): Promise<number> {
  await clearTarget(nodes);
  const copier = createCopier();
  const ms = await timed(() => Promise.all(files.map((f) => deliver(copier, jobFor(nodes, f), noSteps()))));
  if ((await readdir(join(nodes.targetRoot, 'inbox'))).length !== files.length * 2)
    throw new Error('a delivery is missing');
  return ms;
}

async function largeFiles(nodes: Nodes, label: string, files: Staged[]): Promise<void> {
  const bytes = files.reduce((a, f) => a + f.sizeBytes, 0);
  const syncs: number[] = [];
  const cpWith = async () => {
    const t = await cpFiles(nodes, files);
    syncs.push(t.cp + t.sync);
    return t.cp;
  };
  const r = await alternate(ROUNDS, () => hubFiles(nodes, files), cpWith);
  const hub = best(r.hub);
  console.log(`\n${label} (${(bytes / 1024 ** 3).toFixed(2)} GiB), best of ${ROUNDS}, alternated:`);
  console.log(
    `  hub reserve+copy+verify+commit  ${s(hub).padStart(9)}  ${mbps(bytes, hub).padStart(9)}  runs ${r.hub.map(s).join(', ')}`,
  );
  console.log(
    `  baseline cp                     ${s(best(r.baseline)).padStart(9)}  ${mbps(bytes, best(r.baseline)).padStart(9)}  runs ${r.baseline.map(s).join(', ')}`,
  );
  console.log(
    `  baseline cp, then sync the copy ${s(best(syncs)).padStart(9)}  ${mbps(bytes, best(syncs)).padStart(9)}  runs ${syncs.map(s).join(', ')}`,
  );
  console.log(
    `  ratio hub / cp: ${(hub / best(r.baseline)).toFixed(2)}   hub / (cp + sync): ${(hub / best(syncs)).toFixed(2)}`,
  );
}

/** A plain copy of one file, no hash, no fsync, no sidecar: the copy itself. */
async function rawCopy(from: string, to: string, buffer: Buffer): Promise<void> {
  const src = await open(from, 'r');
  const dst = await open(to, 'w');
  try {
    for (let pos = 0; ;) {
      const { bytesRead } = await src.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) break;
      await dst.write(buffer, 0, bytesRead, pos);
      pos += bytesRead;
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

async function manyFiles(nodes: Nodes): Promise<void> {
  const folder = 'bulk';
  const files = await mapWithLimit(
    Array.from({ length: FILES }, (_, i) => i),
    16,
    (i) => stage(nodes, `f${String(i).padStart(5, '0')}.wav`, FILE_BYTES, folder),
  );
  const bytes = FILES * FILE_BYTES;
  const source = join(nodes.sourceRoot, '.mxhub', 'staging', folder);
  const inbox = join(nodes.targetRoot, 'inbox');

  const fresh = async () => {
    await clearTarget(nodes);
    await run('sync', []);
    if (dropCaches) writeFileSync('/proc/sys/vm/drop_caches', '3');
  };
  await fresh();
  const cp = await timed(() => run('cp', ['-r', source, join(inbox, 'bulk')]));
  await fresh();
  const buffers = Array.from({ length: CONCURRENCY }, () => Buffer.allocUnsafe(FILE_BYTES));
  let slot = 0;
  const raw = await timed(() =>
    mapWithLimit(files, CONCURRENCY, (f) => rawCopy(f.path, join(inbox, f.name), buffers[slot++ % CONCURRENCY]!)),
  );
  await fresh();
  const steps = noSteps();
  const copier = createCopier();
  const hub = await timed(() => mapWithLimit(files, CONCURRENCY, (f) => deliver(copier, jobFor(nodes, f), steps)));

  const perSecond = (ms: number) => `${((FILES / ms) * 1000).toFixed(0)} files/s`;
  const stepSum = Object.values(steps).reduce((a, b) => a + b, 0);
  console.log(
    `\n${FILES} files of ${FILE_BYTES} bytes (${(bytes / 1e9).toFixed(2)} GB), hub at concurrency ${CONCURRENCY}:`,
  );
  console.log(`  hub reserve+copy+verify+commit  ${s(hub).padStart(9)}  ${perSecond(hub).padStart(12)}`);
  console.log(
    `  baseline cp -r (one process)    ${s(cp).padStart(9)}  ${perSecond(cp).padStart(12)}   ratio hub / cp ${(hub / cp).toFixed(2)}`,
  );
  console.log(
    `  baseline raw read+write (node)  ${s(raw).padStart(9)}  ${perSecond(raw).padStart(12)}   ratio hub / raw ${(hub / raw).toFixed(2)}`,
  );
  console.log(`  share of hub time outside the copy itself: ${((1 - raw / hub) * 100).toFixed(0)}%`);
  console.log(
    `  step time summed over files: ${Object.entries(steps)
      .map(([k, v]) => `${k} ${((v / stepSum) * 100).toFixed(0)}%`)
      .join(', ')}`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(env.MXHUB_BENCH_DIR ?? tmpdir(), 'mxhub-bench-transfer-'));
  console.log(`transfer copier bench in ${dir}`);
  console.log(
    dropCaches
      ? 'page cache dropped before every timed run'
      : 'page cache cannot be dropped here: hub and cp both read sources from the page cache, and runs alternate',
  );
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
