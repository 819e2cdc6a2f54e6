import { mkdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { ConfigError } from '../../lib/errors';
import type { SidecarParseOptions } from '../../services/screening/sidecar/parse';
import { createIngester } from './ingest';
import { createPairer, type DropUnit } from './pairing';
import { waitUntilStable } from './stability';

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
  /** How long a media file waits for its `<name>.xml` sidecar, and a sidecar for its media. @default 5000 */
  sidecarWaitMs?: number;
  /** Time for event ids and `occurredAt`; waits use real timers. @default () => new Date() */
  clock?: () => Date;
  /** Size and depth limits of the sidecar parser. @default the parser's own (256 KiB, depth 16) */
  sidecar?: SidecarParseOptions;
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

/** Names writers use while a file is not finished yet, and hidden files. */
export function isTemporaryName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('.') || lower.endsWith('~') || lower.endsWith('.part') || lower.endsWith('.tmp');
}

function validate(options: WatchFolderOptions) {
  const { network, targets } = options;
  if (!isAbsolute(network.root)) throw new ConfigError(`network.root must be an absolute path, got ${network.root}`);
  if (targets.length === 0) throw new ConfigError(`targets of network ${network.id} must list at least one network`);
  // Targets become folder names: a pattern without separators keeps them inside drop/.
  for (const target of targets)
    if (!TARGET.test(target))
      throw new ConfigError(`targets of network ${network.id}: "${target}" is not a network id (a-z, 0-9, -)`);
  const stabilityMs = options.stabilityMs ?? 2000;
  const sidecarWaitMs = options.sidecarWaitMs ?? 5000;
  if (!(stabilityMs > 0)) throw new ConfigError(`stabilityMs must be a positive number of ms, got ${stabilityMs}`);
  if (!(sidecarWaitMs >= 0)) throw new ConfigError(`sidecarWaitMs must be 0 or more ms, got ${sidecarWaitMs}`);
  return { stabilityMs, sidecarWaitMs };
}

/**
 * One network's watch folders: turns complete files dropped into
 * `<root>/drop/<target>/` into assets (see `createIngester` for the claim).
 *
 * Never twice: a path is handled by one task at a time (the `busy` set, since
 * chokidar may report a file more than once), and the claim moves the file
 * out of the drop folder, so a later event or a restart finds nothing.
 */
export function createWatchFolderConnector(options: WatchFolderOptions): WatchFolderConnector {
  const { network, targets, store, logger } = options;
  const { stabilityMs, sidecarWaitMs } = validate(options);
  const dropDirs = new Map(targets.map((t) => [join(network.root, 'drop', t), t]));
  const busy = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let watcher: FSWatcher | undefined;
  let stopped = false;

  const release = (files: string[]) => files.forEach((f) => busy.delete(f));
  const ingester = createIngester({
    network,
    store,
    logger,
    clock: options.clock ?? (() => new Date()),
    sidecar: options.sidecar ?? {},
    onReleased: release,
  });
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const onUnit = (unit: DropUnit) =>
    track(
      ingester.ingest(unit).catch((err) => {
        release([unit.media, ...(unit.sidecar ? [unit.sidecar] : [])]);
        // A claimed unit keeps its claim record: the next start records it.
        logger.error({ err, file: unit.media, target: unit.target }, 'ingesting a dropped file failed');
      }),
    );
  let pairer = createPairer({ waitMs: sidecarWaitMs, onUnit });

  const onFile = (file: string) => {
    const target = dropDirs.get(dirname(file));
    if (!target || isTemporaryName(basename(file)) || busy.has(file) || stopped) return;
    busy.add(file);
    track(
      waitUntilStable(file, { stabilityMs, isStopped: () => stopped })
        .then((stats) => {
          if (stats && !stopped) pairer.offer(target, file);
          else busy.delete(file);
        })
        .catch((err) => {
          busy.delete(file);
          logger.error({ err, file }, 'watching a dropped file failed');
        }),
    );
  };

  return {
    async start() {
      if (watcher) return;
      stopped = false;
      pairer = createPairer({ waitMs: sidecarWaitMs, onUnit });
      await Promise.all([...dropDirs.keys()].map((dir) => mkdir(dir, { recursive: true })));
      await ingester.recover();
      // ignoreInitial false: files dropped while the hub was down are reported at start.
      // depth 0: sub-folders of a drop folder are not part of the contract.
      const w = watch([...dropDirs.keys()], { ignoreInitial: false, depth: 0, persistent: true });
      watcher = w;
      w.on('add', onFile);
      // A change can be the first sign of a file whose add was missed; `busy` keeps it single.
      w.on('change', onFile);
      w.on('error', (err) => logger.error({ err, network: network.id }, 'watch-folder watcher error'));
      await new Promise<void>((resolve) => w.once('ready', () => resolve()));
      logger.info({ network: network.id, targets }, 'watch folders started');
    },
    async stop() {
      if (!watcher) return;
      stopped = true;
      const w = watcher;
      watcher = undefined;
      await w.close();
      release(pairer.stop());
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      busy.clear();
      logger.info({ network: network.id }, 'watch folders stopped');
    },
  };
}
