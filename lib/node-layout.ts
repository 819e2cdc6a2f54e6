import type { Stats } from 'node:fs';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { Logger } from 'pino';
import { coalesce } from './coalesce';

/** One folder of a node root that is not what the hub expects, and why, in a short sentence. */
export interface LayoutProblem {
  path: string;
  why: string;
}

/** The outcome of one look at a node root: sound when there is no problem at all. */
export interface NodeLayout {
  sound: boolean;
  problems: LayoutProblem[];
}

/**
 * The hub's own folders under `<root>/.mxhub/`: staging and claims (the
 * drop-folder connector), quarantine (screening), partial (the transfer copier).
 */
export const HUB_FOLDERS = ['staging', 'quarantine', 'claims', 'partial'] as const;

const errno = (err: unknown) => (err as { code?: string } | null)?.code ?? String(err);

function kindOf(s: Stats): string {
  if (s.isFile()) return 'a file';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  return 'a device or other special file';
}

/**
 * Checks that a node root is laid out as the hub expects, so that following
 * a path never leaves the node: `root` itself must resolve to a folder (it
 * may be a symbolic link, e.g. to a mount), and `drop/`, each
 * `drop/<target>/`, `inbox/`, `.mxhub/` and its folders (`HUB_FOLDERS`) must
 * each be a real folder (never a symbolic link), on the root's file system
 * (claims are renames and deliveries links, which must not cross one), whose
 * real path is exactly its place under the real path of `root`.
 *
 * A missing folder is not a problem: the hub makes each one itself before it
 * uses it (drop folders at start, `inbox/` before each delivery, `.mxhub/...`
 * on demand), and a folder the hub makes is a real one. Only a missing or
 * unresolvable `root` is. A folder that is not sound is not looked into.
 *
 * Never throws: what cannot be read is reported as a problem.
 */
export async function checkNodeLayout(root: string, opts: { targets: string[] }): Promise<NodeLayout> {
  let realRoot: string;
  let rootDev: number;
  try {
    realRoot = await realpath(root);
    const s = await stat(realRoot);
    if (!s.isDirectory()) return unsound([{ path: root, why: `resolves to ${kindOf(s)}, not a folder` }]);
    rootDev = s.dev;
  } catch (err) {
    return unsound([{ path: root, why: `does not resolve (${errno(err)})` }]);
  }
  const problems: LayoutProblem[] = [];

  /** Checks one folder; true when it exists and is sound (so what is inside it can be checked too). */
  async function folder(parts: string[]): Promise<boolean> {
    const path = join(root, ...parts);
    const expected = join(realRoot, ...parts);
    let s: Stats;
    try {
      s = await lstat(path);
    } catch (err) {
      if (errno(err) !== 'ENOENT') problems.push({ path, why: `cannot be examined (${errno(err)})` });
      return false;
    }
    let why: string | undefined;
    if (s.isSymbolicLink()) why = `is a symbolic link to ${await readlink(path).catch(() => 'an unreadable target')}`;
    else if (!s.isDirectory()) why = `is ${kindOf(s)}, not a folder`;
    else if (s.dev !== rootDev) why = 'is on another file system than the node root (a mount point)';
    else {
      const real = await realpath(path).catch((err: unknown) => `error ${errno(err)}`);
      if (real !== expected)
        why = real.startsWith(realRoot + sep)
          ? `resolves to ${real}, not to its place ${expected}`
          : `resolves outside the node root, to ${real}`;
    }
    if (why) problems.push({ path, why });
    return why === undefined;
  }

  if (await folder(['drop'])) {
    for (const target of opts.targets) {
      // A target id is a folder name; one that is not (a/b, ..) would point elsewhere.
      if (target !== basename(target) || target === '..' || target === '.' || target === '') {
        problems.push({ path: join(root, 'drop', target), why: `'${target}' is not a plain folder name` });
        continue;
      }
      await folder(['drop', target]);
    }
  }
  await folder(['inbox']);
  if (await folder(['.mxhub'])) for (const f of HUB_FOLDERS) await folder(['.mxhub', f]);
  return { sound: problems.length === 0, problems };
}

const unsound = (problems: LayoutProblem[]): NodeLayout => ({ sound: false, problems });

/** One line naming each problem, for logs and health checks. */
export const describeProblems = (problems: LayoutProblem[]) => problems.map((p) => `${p.path} ${p.why}`).join('; ');

export interface NodeLayoutMonitorOptions {
  /** How often every node is probed again. @default 5000 */
  intervalMs?: number;
  /** Called with a node's first result, and whenever it changes (turns unsound, sound again, other problems). */
  onChange?: (id: string, result: NodeLayout) => void;
  /** Warned once when a node turns unsound (or its problems change), told at info when it is sound again. */
  logger?: Pick<Logger, 'warn' | 'info'>;
  /**
   * A health probe run after a sound layout check (services/store/nodes: free
   * space, a small write, read and delete): its problems make the node unsound
   * too, so whatever waits on an unsound layout waits on a failing node alike.
   * Must not throw: what fails is a problem.
   */
  probe?: (node: { id: string; root: string }) => Promise<LayoutProblem[]>;
}

const sameResult = (a: NodeLayout, b: NodeLayout) =>
  a.sound === b.sound && JSON.stringify(a.problems) === JSON.stringify(b.problems);

/**
 * Probes the layout of every node (`checkNodeLayout`) at start and then every
 * `intervalMs`, and keeps the last result of each. `check(id)` looks at one
 * node's layout now: callers about to write into a node use it rather than
 * `status`, which may be up to `intervalMs` old.
 */
export function createNodeLayoutMonitor(
  nodes: Array<{ id: string; root: string; targets: string[] }>,
  opts: NodeLayoutMonitorOptions = {},
) {
  const intervalMs = opts.intervalMs ?? 5000;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const results = new Map<string, NodeLayout>();
  const probedAt = new Map<string, Date>();
  const listeners = new Set<(id: string, result: NodeLayout) => void>();
  if (opts.onChange) listeners.add(opts.onChange);
  // Probes of one node may overlap (a caller's check during a round): only a newer probe's result replaces an older one.
  const started = new Map<string, number>();
  const applied = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;
  let running = false;

  function record(id: string, result: NodeLayout): void {
    const before = results.get(id);
    results.set(id, result);
    if (before && sameResult(before, result)) return;
    if (!result.sound)
      opts.logger?.warn(
        { network: id, problems: result.problems },
        `node of ${id} is unsound, nothing is delivered into it: ${describeProblems(result.problems)}`,
      );
    else if (before && !before.sound) opts.logger?.info({ network: id }, `node of ${id} is sound again`);
    for (const listener of listeners) listener(id, result);
  }

  // Checks of one node asked for while one runs share the next: each caller still gets a check begun after it
  // asked (the layout as it is now), and a dozen transfer steps at once cost two walks of the node, not twelve.
  const layoutNow = coalesce((id: string) => {
    const node = byId.get(id)!;
    return checkNodeLayout(node.root, { targets: node.targets });
  });

  // The health probe's last problems per node: a caller's check between rounds goes by them.
  const probeProblems = new Map<string, LayoutProblem[]>();

  /**
   * Checks one node's layout now. The health probe (a write, a read, a
   * delete) runs on the monitor's rounds only: a caller about to write gets
   * the layout as it is now and the last round's probe, not a small file
   * written for each step of each transfer.
   */
  async function check(id: string, how: { probe?: boolean } = {}): Promise<NodeLayout> {
    const node = byId.get(id);
    if (!node) throw new Error(`no node root is known for network '${id}'`);
    const n = (started.get(id) ?? 0) + 1;
    started.set(id, n);
    let result = await layoutNow(id);
    if (result.sound && opts.probe) {
      const problems = how.probe ? await opts.probe(node) : (probeProblems.get(id) ?? []);
      if (how.probe) probeProblems.set(id, problems);
      if (problems.length > 0) result = unsound(problems);
    }
    if (n > (applied.get(id) ?? 0)) {
      applied.set(id, n);
      probedAt.set(id, new Date());
      record(id, result);
    }
    return result;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      round = Promise.all(nodes.map((n) => check(n.id, { probe: true })))
        .catch(() => undefined)
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    check,
    /** Probes every node once (resolves when done), then keeps probing every `intervalMs`. */
    async start(): Promise<void> {
      if (running) return;
      running = true;
      round = Promise.all(nodes.map((n) => check(n.id, { probe: true })));
      await round;
      schedule();
    },
    /** Stops probing; resolves once a probe under way has finished. */
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await round?.catch(() => undefined);
    },
    /** The last result of a node, or undefined before its first probe. */
    status: (id: string): NodeLayout | undefined => results.get(id),
    /** The last result of every node probed so far. */
    all: (): Record<string, NodeLayout> => Object.fromEntries(results),
    /** When the result `status` gives was probed, or undefined before the first probe. */
    probedAt: (id: string): Date | undefined => probedAt.get(id),
    /** Calls `listener` as `onChange` is called; returns what unsubscribes it. */
    subscribe(listener: (id: string, result: NodeLayout) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type NodeLayoutMonitor = ReturnType<typeof createNodeLayoutMonitor>;
