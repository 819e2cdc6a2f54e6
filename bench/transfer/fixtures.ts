import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Copier, CopyJob } from '../../services/transfer/copier/copier';

/** A source node with files staged as the hub stages them, and an empty target node. */
export interface Nodes {
  sourceRoot: string;
  targetRoot: string;
}

export async function makeNodes(dir: string): Promise<Nodes> {
  const nodes = { sourceRoot: join(dir, 'news'), targetRoot: join(dir, 'broadcast') };
  await mkdir(join(nodes.targetRoot, 'inbox'), { recursive: true });
  return nodes;
}

export interface Staged {
  path: string;
  name: string;
  sha256: string;
  sizeBytes: number;
}

/** Writes `bytes` of random data into staging, hashing as it goes (not timed). */
export async function stage(
  nodes: Nodes,
  name: string,
  bytes: number,
  folderName: string = randomUUID(),
): Promise<Staged> {
  const folder = join(nodes.sourceRoot, '.mxhub', 'staging', folderName);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  const handle = await open(path, 'w');
  const hash = createHash('sha256');
  // One random block repeated would let a smart copier or disk deduplicate: every block is fresh.
  for (let done = 0; done < bytes;) {
    const block = randomBytes(Math.min(8 * 1024 * 1024, bytes - done));
    hash.update(block);
    await handle.write(block, 0, block.length, done);
    done += block.length;
  }
  await handle.close();
  return { path, name, sha256: hash.digest('hex'), sizeBytes: bytes };
}

export function jobFor(nodes: Nodes, file: Staged): CopyJob {
  return {
    transferId: randomUUID(),
    source: file.path,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    targetRoot: nodes.targetRoot,
    fileName: file.name,
    sidecar: { title: file.name, materialId: 'BENCH-1', destinations: ['broadcast'], checksum: file.sha256, extra: [] },
  };
}

/** Milliseconds spent in each saga step, summed over files. */
export type StepTimes = Record<'reserve' | 'copy' | 'verify' | 'commit', number>;

export const noSteps = (): StepTimes => ({ reserve: 0, copy: 0, verify: 0, commit: 0 });

/** One transfer through the copier's saga steps, as the saga runs them; adds each step's time to `steps`. */
export async function deliver(copier: Copier, job: CopyJob, steps: StepTimes): Promise<string> {
  const timed = async <T>(step: keyof StepTimes, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      steps[step] += performance.now() - t;
    }
  };
  await timed('reserve', () => copier.reserve(job));
  const result = await timed('copy', () => copier.copy(job, {}));
  await timed('verify', () => copier.verify(job, result));
  return (await timed('commit', () => copier.commit(job))).path;
}

/** Runs a command; rejects on a non-zero exit. */
export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Empties the target node between runs, so every run writes new files. */
export async function clearTarget(nodes: Nodes): Promise<void> {
  await rm(nodes.targetRoot, { recursive: true, force: true });
  await mkdir(join(nodes.targetRoot, 'inbox'), { recursive: true });
}

/** Wall time of `work` in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}
