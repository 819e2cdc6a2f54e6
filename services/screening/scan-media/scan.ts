import { join } from 'node:path';
import type { ScreeningStages } from '../stages';
import { deliverToDrop } from './ingest';
import { pairUnits, type ScanUnit } from './pairing';
import { mapWithLimit } from './pool';
import { countResults, type FileResult, type ScanCounts } from './result';
import { screenUnit, type ScanRoute } from './screen-unit';
import { walkMedium, type SkippedEntry, type WalkOptions } from './walk';

export interface ScanProgress {
  files: number;
  bytes: number;
}

export interface ScanMediumOptions {
  /** Mount point of the card, disk or stick (or one file). */
  root: string;
  route: ScanRoute;
  stages: ScreeningStages;
  /** Files screened at once. */
  concurrency: number;
  /** Deliver cleared files into this drop folder (`<networkRoot>/drop/<target>`). @default no delivery */
  ingestInto?: string;
  walk?: WalkOptions;
  /** Called when the walk is done (`total`) and after each file (`done`). */
  onProgress?: (done: ScanProgress, total: ScanProgress) => void;
}

export interface ScanReport {
  root: string;
  network: string;
  target: string;
  counts: ScanCounts;
  /** Sorted by path. */
  results: FileResult[];
  /** Links, special files and too-deep folders; dotfiles are left out (they are skipped silently). */
  skipped: SkippedEntry[];
}

const byPath = (a: FileResult, b: FileResult) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Delivers every cleared media file whose sidecar (if any) was cleared too.
 * One file at a time: card readers and USB disks read fastest sequentially,
 * and the hub screens each file again as it is claimed.
 */
async function ingestCleared(units: ScanUnit[], results: Map<string, FileResult>, dropDir: string): Promise<void> {
  for (const unit of units) {
    if (unit.kind !== 'media') continue;
    const result = results.get(unit.file.path)!;
    if (result.verdict.outcome !== 'passed') continue;
    const sidecarResult = unit.sidecar ? results.get(unit.sidecar.file.path) : undefined;
    if (sidecarResult && sidecarResult.verdict.outcome !== 'passed') {
      result.ingestError = `not delivered: its sidecar ${sidecarResult.path} was not cleared`;
      continue;
    }
    try {
      const delivered = await deliverToDrop(
        dropDir,
        { path: unit.file.path, sha256: result.sha256 },
        unit.sidecar && sidecarResult ? { path: unit.sidecar.file.path, sha256: sidecarResult.sha256 } : undefined,
      );
      result.ingestedAs = delivered.media;
      if (sidecarResult && delivered.sidecar) sidecarResult.ingestedAs = delivered.sidecar;
    } catch (error) {
      result.ingestError = error instanceof Error ? error.message : String(error);
    }
  }
}

/**
 * Screens every file of a mounted medium through the hub's stages and, when
 * asked, hands the cleared ones to the network's drop folder. Never throws
 * for a file: each ends as a result (a refusal or `unavailable` included).
 */
export async function scanMedium(options: ScanMediumOptions): Promise<ScanReport> {
  const walked = await walkMedium(options.root, options.walk);
  const units = await pairUnits(walked.files);
  const total = { files: units.length, bytes: units.reduce((sum, u) => sum + u.file.size, 0) };
  const done = { files: 0, bytes: 0 };
  options.onProgress?.({ ...done }, total);
  // Largest first, so one big clip does not start last and hold the whole scan up at the end.
  const order = [...units].sort((a, b) => b.file.size - a.file.size);
  const screened = await mapWithLimit(order, options.concurrency, async (unit) => {
    const result = await screenUnit(options.stages, unit, options.route);
    done.files += 1;
    done.bytes += unit.file.size;
    options.onProgress?.({ ...done }, total);
    return [unit.file.path, result] as const;
  });
  const results = new Map(screened);
  if (options.ingestInto) await ingestCleared(units, results, options.ingestInto);
  const list = [...results.values()].sort(byPath);
  return {
    root: walked.root,
    network: options.route.network,
    target: options.route.target,
    counts: countResults(list),
    results: list,
    skipped: walked.skipped.filter((s) => s.reason !== 'dotfile'),
  };
}

/** Where `--ingest` delivers: the drop folder of `target` under the network's root. */
export const dropFolder = (networkRoot: string, target: string) => join(networkRoot, 'drop', target);
