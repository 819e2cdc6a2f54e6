import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { backoff } from '../../lib/backoff';
import { ConfigError } from '../../lib/errors';
import { checkNodeLayout, describeProblems, type NodeLayout } from '../../lib/node-layout';
import type { SidecarParseOptions } from '../../formats/sidecar/parse';
import {
  DEFAULT_TEMPORARY_SUFFIXES,
  decodeName,
  isTemporaryName,
  judgeDropEntry,
  judgeDropFolderEntry,
  printableName,
} from './drop-entries';
import type { DropBoard } from './drop-board';
import { createIngester } from './ingest';
import { createPairer, isSidecarName, pairKey, type DropUnit } from './pairing';
import { createDropRefusals } from './refusals';
import { isNotFound, waitUntilStable } from './stability';

/** Options of one network's watch-folder connector. */
export interface WatchFolderOptions {
  /** The network this connector belongs to; its drop folders are `<root>/drop/<target>/`. */
  network: { id: string; root: string };
  /** Target network ids, one drop folder each. */
  targets: string[];
  store: EventStore;
  logger: Logger;
  /** How long size and mtime must stay unchanged before a file is taken. @default 2000 */
  stabilityMs?: number;
  /** How long a media file waits for its `<name>.xml` sidecar, and a sidecar for its media, from when it was first seen (longer while the other is still being written). @default 2000 */
  sidecarWaitMs?: number;
  /** Name endings of files still being written, never claimed. @default DEFAULT_TEMPORARY_SUFFIXES */
  temporarySuffixes?: string[];
  /** How often the drop folders are listed again: missed events, claims to retry, items to refuse. @default 10000 */
  rescanMs?: number;
  /** Time for event ids and `occurredAt`; waits use real timers. @default () => new Date() */
  clock?: () => Date;
  /** Size and depth limits of the sidecar parser. @default the parser's own (256 KiB, depth 16) */
  sidecar?: SidecarParseOptions;
  /** How the node's layout is checked before anything is claimed. @default checkNodeLayout of the root */
  checkLayout?: () => Promise<NodeLayout>;
  /** Where files seen and not yet claimed are shown (settling, waiting for a sidecar). @default none */
  board?: DropBoard;
}

export interface WatchFolderConnector {
  /**
   * Creates the drop folders, records claims an earlier run left unfinished,
   * watches the folders, and resolves once files already there have been seen.
   */
  start(): Promise<void>;
  /**
   * Stops watching and waits for units already being claimed to be recorded.
   * Files still waiting for stability or a sidecar stay in the drop folder
   * and are found again at the next start.
   */
  stop(): Promise<void>;
}

const TARGET = /^[a-z][a-z0-9-]{0,62}$/;
/** The "target" of a file dropped straight into drop/: the pool, no network (`drop/` joined with it is `drop/`). */
export const POOL = '';
const MAX_BACKOFF_MS = 60_000;

function validate(options: WatchFolderOptions) {
  const { network, targets } = options;
  if (!isAbsolute(network.root)) throw new ConfigError(`network.root must be an absolute path, got ${network.root}`);
  if (targets.length === 0) throw new ConfigError(`targets of network ${network.id} must list at least one network`);
  // Targets become folder names: a pattern without separators keeps them inside drop/.
  for (const target of targets)
    if (!TARGET.test(target))
      throw new ConfigError(`targets of network ${network.id}: "${target}" is not a network id (a-z, 0-9, -)`);
  const stabilityMs = options.stabilityMs ?? 2000;
  const sidecarWaitMs = options.sidecarWaitMs ?? 2000;
  const rescanMs = options.rescanMs ?? 10_000;
  if (!(stabilityMs > 0)) throw new ConfigError(`stabilityMs must be a positive number of ms, got ${stabilityMs}`);
  if (!(sidecarWaitMs >= 0)) throw new ConfigError(`sidecarWaitMs must be 0 or more ms, got ${sidecarWaitMs}`);
  if (!(rescanMs >= 100)) throw new ConfigError(`rescanMs must be at least 100 ms, got ${rescanMs}`);
  return { stabilityMs, sidecarWaitMs, rescanMs, suffixes: options.temporarySuffixes ?? DEFAULT_TEMPORARY_SUFFIXES };
}

/** An entry of a folder, by its raw name: what a listing gives when names may not be UTF-8. */
interface Entry {
  path: string;
  /** The path as bytes, for looking at an entry whose name is not UTF-8. */
  raw: Buffer;
  name?: string;
}

async function list(dir: string): Promise<Entry[]> {
  const names = await readdir(dir, { encoding: 'buffer' }).catch((err: unknown) => {
    if (isNotFound(err)) return [] as Buffer[];
    throw err;
  });
  return names.map((raw) => {
    const name = decodeName(raw);
    return {
      path: join(dir, name ?? printableName(raw)),
      raw: Buffer.concat([Buffer.from(`${dir}/`), raw]),
      name,
    };
  });
}

/**
 * One network's watch folders: turns complete files dropped into
 * `<root>/drop/<target>/`, or straight into `<root>/drop/` for the pool, into
 * assets (see `createIngester` for the claim).
 *
 * Two ways in: chokidar events, for speed, and a listing of every drop folder
 * every `rescanMs`, which finds what events missed, retries failed claims
 * once their back-off is over, and refuses (once each) what is not a regular
 * file, a sub-folder, a name that is not UTF-8, a folder of an unknown
 * network. Links are never followed, by the watcher or the claim. Nothing is
 * claimed while the node's layout is not sound (a drop folder or inbox
 * replaced by a link).
 *
 * Never twice: a path is handled by one task at a time (the `busy` set), and
 * the claim takes the file out of the drop folder, so a later event or a
 * restart finds nothing.
 */
export function createWatchFolderConnector(options: WatchFolderOptions): WatchFolderConnector {
  const { network, targets, store, logger, board } = options;
  const { stabilityMs, sidecarWaitMs, rescanMs, suffixes } = validate(options);
  const dropRoot = join(network.root, 'drop');
  const dropDirs = new Map(targets.map((t) => [join(dropRoot, t), t]));
  const targetSet = new Set(targets);
  const checkLayout = options.checkLayout ?? (() => checkNodeLayout(network.root, { targets }));
  const busy = new Set<string>();
  const stable = new Map<string, Stats>();
  /** When each busy file was first seen (epoch ms): the sidecar wait counts from there. */
  const firstSeen = new Map<string, number>();
  const failures = new Map<string, { attempts: number; notBefore: number }>();
  const inFlight = new Set<Promise<void>>();
  const clock = options.clock ?? (() => new Date());
  let watcher: FSWatcher | undefined;
  let rescanTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Unknown until the first look (start), then the last look's answer. */
  let layoutSound: boolean | undefined;

  const refusals = createDropRefusals({ network, store, logger, clock });
  const refuse = async (file: string, refusal: { rule: string; reason: string }, stats?: Stats) => {
    const s = stats ?? (await lstat(file).catch(() => undefined));
    await refusals.refuse(relative(network.root, file), s, refusal);
  };

  const release = (files: string[]) =>
    files.forEach((f) => {
      busy.delete(f);
      stable.delete(f);
      firstSeen.delete(f);
      board?.remove(network.id, relative(network.root, f));
    });
  const ingester = createIngester({
    network,
    targets,
    store,
    logger,
    clock,
    sidecar: options.sidecar ?? {},
    onReleased: release,
    onRefused: (file, refusal) => refuse(file, refusal),
    stableStats: (file) => stable.get(file),
  });
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const onUnit = (unit: DropUnit) => {
    const files = [unit.media, ...(unit.sidecar ? [unit.sidecar] : [])];
    track(
      ingester.ingest(unit).then(
        (kind) => {
          if (kind === 'claimed') files.forEach((f) => failures.delete(f));
          // A file that moved is watched again at once: it is taken when it settles, not at the next listing.
          if (kind === 'changed') files.forEach((f) => onEvent(f));
        },
        (err: unknown) => {
          release(files);
          const attempts = (failures.get(unit.media)?.attempts ?? 0) + 1;
          const retryInMs = backoff(attempts, { baseMs: 1000, maxMs: MAX_BACKOFF_MS });
          for (const f of files) failures.set(f, { attempts, notBefore: Date.now() + retryInMs });
          // A claimed unit keeps its claim record: the next start records it. One not claimed is retried.
          logger.error(
            { err, file: unit.media, target: unit.target, attempts, retryInMs },
            'claiming a dropped file failed; retrying',
          );
        },
      ),
    );
  };
  /** A partner (same folder and name, the other role) is seen and still settling. */
  const partnerSettling = (file: string) => {
    const key = pairKey(file);
    const sidecar = isSidecarName(file);
    for (const other of busy)
      if (other !== file && !stable.has(other) && isSidecarName(other) !== sidecar && pairKey(other) === key)
        return true;
    return false;
  };
  const newPairer = () => createPairer({ waitMs: sidecarWaitMs, onUnit, partnerSettling });
  let pairer = newPairer();

  /** A file of a target's drop folder that looks takeable: wait for it to settle, then pair it. */
  const onFile = (file: string, target: string, stats: Stats) => {
    if (busy.has(file) || stopped || layoutSound !== true) return;
    const failed = failures.get(file);
    if (failed && failed.notBefore > Date.now()) return;
    busy.add(file);
    const seenAt = Date.now();
    firstSeen.set(file, seenAt);
    // A media file is shown from its first sight: a sidecar only travels with one (or alone, once its wait is over).
    const shown = !isSidecarName(file);
    const path = relative(network.root, file);
    if (shown) {
      board?.seen({
        network: network.id,
        target,
        name: basename(file),
        path,
        sizeBytes: stats.size,
        seenAt: clock().toISOString(),
      });
      logger.info(
        { file: path, target, size: stats.size },
        `detected ${path}: taken once it holds still for ${stabilityMs} ms`,
      );
    }
    track(
      waitUntilStable(file, { stabilityMs, isStopped: () => stopped })
        .then((settled) => {
          if (settled && !stopped) {
            stable.set(file, settled);
            if (pairer.offer(target, file, seenAt) && shown) {
              const until = new Date(
                clock().getTime() + Math.max(0, seenAt + sidecarWaitMs - Date.now()),
              ).toISOString();
              board?.waitingForSidecar(network.id, path, until);
              logger.info({ file: path, target, until }, `${path}: waiting for sidecar until ${until}`);
            }
          } else release([file]);
        })
        .catch((err: unknown) => {
          release([file]);
          logger.error({ err, file, size: stats.size }, 'watching a dropped file failed');
        }),
    );
  };

  /** Judges one path the watcher or a listing found, by `lstat` (never following it). */
  async function onPath(path: string, name: string | undefined, raw?: Buffer): Promise<void> {
    if (layoutSound !== true) return;
    const stats = await lstat(raw ?? path).catch(() => undefined);
    if (!stats) return;
    const parent = dirname(path);
    const target = dropDirs.get(parent);
    if (target !== undefined) {
      const verdict = judgeDropEntry(name, stats, suffixes);
      if ('take' in verdict) onFile(path, target, stats);
      else if ('refuse' in verdict) await refuse(path, verdict.refuse, stats);
    } else if (parent === dropRoot) {
      const verdict = judgeDropFolderEntry(name, stats, targetSet, suffixes);
      if ('take' in verdict) onFile(path, POOL, stats);
      else if ('refuse' in verdict) await refuse(path, verdict.refuse, stats);
    } else if (
      dirname(parent) === dropRoot &&
      !targetSet.has(basename(parent)) &&
      name &&
      !isTemporaryName(name, suffixes)
    ) {
      await refuse(path, {
        rule: 'drop.unknown-network',
        reason: `lies in drop/${basename(parent)}/, and '${basename(parent)}' is not a network this node may send to`,
      });
    }
  }

  const onEvent = (path: string) => {
    if (stopped) return;
    track(
      onPath(path, basename(path)).catch((err: unknown) =>
        logger.error({ err, file: path }, 'judging a dropped item failed'),
      ),
    );
  };

  /** Checks the node's layout, then lists every drop folder: the ground truth behind the watcher's events. */
  async function rescan(): Promise<void> {
    const layout = await checkLayout();
    // Said when it changes: unsound at any time, sound again only after it was not (not at every start).
    if (!layout.sound && layoutSound !== false)
      logger.error(
        { problems: layout.problems },
        `node layout is not sound, nothing is claimed from it: ${describeProblems(layout.problems)}`,
      );
    if (layout.sound && layoutSound === false)
      logger.info('node layout is sound again: claiming from its drop folders');
    layoutSound = layout.sound;
    if (!layoutSound) return;
    const listing = refusals.beginListing();
    const seen = new Set<string>();
    for (const entry of await list(dropRoot)) {
      seen.add(relative(network.root, entry.path));
      await onPath(entry.path, entry.name, entry.raw);
      if (entry.name && !targetSet.has(entry.name) && (await lstat(entry.path).catch(() => undefined))?.isDirectory())
        for (const inner of await list(entry.path)) {
          seen.add(relative(network.root, inner.path));
          await onPath(inner.path, inner.name, inner.raw);
        }
    }
    for (const dir of dropDirs.keys())
      for (const entry of await list(dir)) {
        seen.add(relative(network.root, entry.path));
        await onPath(entry.path, entry.name, entry.raw);
      }
    refusals.retain(seen, listing);
  }

  const scheduleRescan = () => {
    rescanTimer = setTimeout(() => {
      if (stopped) return;
      const run = rescan()
        .catch((err: unknown) => logger.error({ err, network: network.id }, 'listing the drop folders failed'))
        .finally(() => {
          if (!stopped) scheduleRescan();
        });
      track(run);
    }, rescanMs);
    rescanTimer.unref();
  };

  return {
    async start() {
      if (watcher) return;
      stopped = false;
      pairer = newPairer();
      await mkdir(dropRoot, { recursive: true });
      await Promise.all([...dropDirs.keys()].map((dir) => mkdir(dir, { recursive: true })));
      await ingester.recover();
      // followSymlinks false: a link in a drop folder is reported as itself, never followed.
      // depth 1: drop/<target>/<file> and drop/<unknown>/<item>; deeper is refused as a sub-folder.
      const w = watch(dropRoot, { ignoreInitial: true, depth: 1, persistent: true, followSymlinks: false });
      watcher = w;
      w.on('add', onEvent);
      // A change can be the first sign of a file whose add was missed; `busy` keeps it single.
      w.on('change', onEvent);
      w.on('addDir', (path) => path !== dropRoot && onEvent(path));
      w.on('error', (err) => logger.error({ err }, 'watch-folder watcher error'));
      await new Promise<void>((resolve) => w.once('ready', () => resolve()));
      // The first listing finds what was dropped while the hub was down.
      await rescan();
      scheduleRescan();
      logger.info({ targets }, 'watch folders started');
    },
    async stop() {
      if (!watcher) return;
      stopped = true;
      if (rescanTimer) clearTimeout(rescanTimer);
      const w = watcher;
      watcher = undefined;
      await w.close();
      release(pairer.stop());
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      busy.clear();
      logger.info('watch folders stopped');
    },
  };
}
