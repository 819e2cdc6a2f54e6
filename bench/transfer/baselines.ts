import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { mapWithLimit } from '../../services/screening/scan-media/pool';
import { clearTarget, run, timed, type Nodes, type Staged } from './fixtures';

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mbps = (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
export const best = (xs: number[]) => Math.min(...xs);

function canDropCaches(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}
/** Root may drop the page cache, so both sides read their sources from disk. */
export const dropCaches = canDropCaches();

export const cacheNote = () =>
  dropCaches
    ? 'page cache dropped before every timed run'
    : 'page cache cannot be dropped here: hub and cp both read sources from the page cache, and runs alternate';

/** Writes back every dirty page, then drops the page cache (where allowed): no run pays for another's writes. */
export async function settleDisk(): Promise<void> {
  await run('sync', []);
  if (dropCaches) writeFileSync('/proc/sys/vm/drop_caches', '3');
}

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
      await settleDisk();
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

/** A plain copy of one file, no hash, no fsync, no sidecar: the copy itself. */
export async function rawCopy(from: string, to: string, buffer: Buffer): Promise<void> {
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

/** Prints a large-file case: the hub's runs beside cp and cp + sync, with both ratios. */
function reportLarge(
  label: string,
  hubLabel: string,
  bytes: number,
  r: { hub: number[]; baseline: number[] },
  syncs: number[],
): void {
  const hub = best(r.hub);
  const row = (name: string, ms: number[]) =>
    console.log(
      `  ${name.padEnd(32)}${s(best(ms)).padStart(9)}  ${mbps(bytes, best(ms)).padStart(9)}  runs ${ms.map(s).join(', ')}`,
    );
  console.log(`\n${label} (${(bytes / 1024 ** 3).toFixed(2)} GiB), best of ${r.hub.length}, alternated:`);
  row(hubLabel, r.hub);
  row('baseline cp', r.baseline);
  row('baseline cp, then sync the copy', syncs);
  console.log(
    `  ratio hub / cp: ${(hub / best(r.baseline)).toFixed(2)}   hub / (cp + sync): ${(hub / best(syncs)).toFixed(2)}`,
  );
}

/** The hub's `hubRun` on `files` (its wall time in ms) alternated with cp of the same files; prints the case. */
export async function compareLarge(
  nodes: Nodes,
  files: Staged[],
  options: { rounds: number; label: string; hubLabel: string },
  hubRun: () => Promise<number>,
): Promise<void> {
  const bytes = files.reduce((a, f) => a + f.sizeBytes, 0);
  const syncs: number[] = [];
  const cpWith = async () => {
    const t = await cpFiles(nodes, files);
    syncs.push(t.cp + t.sync);
    return t.cp;
  };
  const r = await alternate(options.rounds, hubRun, cpWith);
  reportLarge(options.label, options.hubLabel, bytes, r, syncs);
}

/**
 * Many small files, all staged in one folder: `hubRun` (its wall time in ms) beside `cp -r` of the folder and a
 * plain read + write of each file in Node at the same concurrency (the copy itself); prints files per second and
 * the share of the hub's time spent outside the copy.
 */
export async function compareMany(
  nodes: Nodes,
  files: Staged[],
  options: { folder: string; concurrency: number; hubLabel: string },
  hubRun: () => Promise<number>,
): Promise<void> {
  const { concurrency } = options;
  const source = join(nodes.sourceRoot, '.mxhub', 'staging', options.folder);
  const inbox = join(nodes.targetRoot, 'inbox');
  const fresh = async () => {
    await clearTarget(nodes);
    await settleDisk();
  };
  await fresh();
  const cp = await timed(() => run('cp', ['-r', source, join(inbox, 'bulk')]));
  await fresh();
  // One buffer per copy in flight, handed back when it ends (copies do not end in the order they began).
  const free = Array.from({ length: concurrency }, () => Buffer.allocUnsafe(files[0]!.sizeBytes));
  const raw = await timed(() =>
    mapWithLimit(files, concurrency, async (f) => {
      const buffer = free.pop()!;
      try {
        await rawCopy(f.path, join(inbox, f.name), buffer);
      } finally {
        free.push(buffer);
      }
    }),
  );
  await fresh();
  const hub = await hubRun();

  const bytes = files.reduce((a, f) => a + f.sizeBytes, 0);
  const perSecond = (ms: number) => `${((files.length / ms) * 1000).toFixed(0)} files/s`;
  const row = (name: string, ms: number, ratio = '') =>
    console.log(`  ${name.padEnd(32)}${s(ms).padStart(9)}  ${perSecond(ms).padStart(12)}${ratio}`);
  console.log(
    `\n${files.length} files of ${files[0]!.sizeBytes} bytes (${(bytes / 1e9).toFixed(2)} GB), hub at concurrency ${concurrency}:`,
  );
  row(options.hubLabel, hub);
  row('baseline cp -r (one process)', cp, `   ratio hub / cp ${(hub / cp).toFixed(2)}`);
  row('baseline raw read+write (node)', raw, `   ratio hub / raw ${(hub / raw).toFixed(2)}`);
  console.log(`  share of hub time outside the copy itself: ${((1 - raw / hub) * 100).toFixed(0)}%`);
}
