import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `waitUntilStable` needs; `isStopped` lets a stopping connector abandon the wait. */
export interface StabilityOptions {
  /** How long size and mtime must stay unchanged. */
  stabilityMs: number;
  /** Time between two looks at the file. @default stabilityMs / 4, between 25 and 250 ms */
  pollMs?: number;
  /** Checked between looks; when it returns true the wait gives up. */
  isStopped?: () => boolean;
}

/**
 * Resolves with the file's stats once its size and mtime have not changed for
 * `stabilityMs`, or with `undefined` when the file vanished or the wait was
 * stopped. Both size and mtime are compared: a copy tool that preallocates
 * the file, or a writer that rewrites it in place, keeps the size steady
 * while it is still writing, but the mtime moves.
 *
 * This polls rather than relying on watcher `change` events: events are
 * coalesced and can be lost on network file systems, a stat is not.
 */
export async function waitUntilStable(path: string, options: StabilityOptions): Promise<Stats | undefined> {
  const { stabilityMs } = options;
  const pollMs = options.pollMs ?? Math.min(250, Math.max(25, Math.floor(stabilityMs / 4)));
  let previous: Stats | undefined;
  let steadySince = 0;
  for (;;) {
    if (options.isStopped?.()) return undefined;
    let current: Stats;
    try {
      // lstat: a link is judged as itself (and is not a file), never by what it points at.
      current = await lstat(path);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    if (!current.isFile()) return undefined;
    const now = performance.now();
    if (previous && previous.size === current.size && previous.mtimeMs === current.mtimeMs) {
      if (now - steadySince >= stabilityMs) return current;
    } else {
      steadySince = now;
    }
    previous = current;
    await sleep(pollMs);
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
