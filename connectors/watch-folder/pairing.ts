import { basename, dirname, extname } from 'node:path';

/** A media file and its XML sidecar, or either alone, taken as one unit. */
export interface DropUnit {
  target: string;
  /** The file that becomes the asset. A sidecar left alone becomes the asset itself. */
  media: string;
  /** The `<name>.xml` beside the media, when it came in time. */
  sidecar?: string;
}

export interface Pairer {
  /**
   * Offers a complete (stable) file of a target's drop folder, first seen at
   * `seenAt` (epoch ms; default now). True when the file now waits for its
   * partner; false when it left at once as (part of) a unit.
   */
  offer(target: string, file: string, seenAt?: number): boolean;
  /** Forgets every waiting file without emitting it; returns them so the caller can release them. */
  stop(): string[];
}

export interface PairerOptions {
  /** How long a file waits for its partner, counted from when it was first seen. */
  waitMs: number;
  onUnit: (unit: DropUnit) => void;
  /**
   * True while a partner of `file` (same folder and name, the other role) is
   * seen but still being written: a file alone keeps waiting for it however
   * long the copy takes. @default () => false
   */
  partnerSettling?: (file: string) => boolean;
}

/** How often a file whose wait is over looks again at a partner still being written. */
const RECHECK_MS = 100;

interface Waiting {
  target: string;
  media?: string;
  sidecar?: string;
  timer: NodeJS.Timeout;
}

export function isSidecarName(file: string): boolean {
  return extname(file).toLowerCase() === '.xml';
}

/** `clip.mxf` and `clip.xml` share the key `<dir>/clip`. */
export function pairKey(file: string): string {
  const name = basename(file);
  const ext = extname(name);
  return `${dirname(file)}\u0000${ext ? name.slice(0, -ext.length) : name}`;
}

/**
 * Pairs media with sidecars by name: `<name>.xml` beside `<name>.<ext>`.
 * Whichever of the two is offered first waits for the other until `waitMs`
 * after it was first seen, so the wait runs alongside the stability wait
 * rather than after it (a file dropped alone is taken as soon as it holds
 * still when `waitMs` is not longer than the stability window), and for as
 * long as its partner is seen but still settling. The pair is emitted as
 * soon as both are there; a file still alone when the wait ends is emitted
 * alone. One sidecar pairs with one media file: a second file of the same
 * role and name flushes the waiting one first, so nothing is held twice.
 */
export function createPairer(options: PairerOptions): Pairer {
  const waiting = new Map<string, Waiting>();
  const partnerSettling = options.partnerSettling ?? (() => false);

  const flush = (key: string) => {
    const entry = waiting.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(key);
    const media = entry.media ?? entry.sidecar;
    if (!media) return;
    options.onUnit({ target: entry.target, media, sidecar: entry.media ? entry.sidecar : undefined });
  };

  /** At the end of the wait: emitted alone, unless the partner is being written, then looked at again. */
  const expire = (key: string) => {
    const entry = waiting.get(key);
    const alone = entry?.media ?? entry?.sidecar;
    if (entry && alone && partnerSettling(alone)) entry.timer = setTimeout(() => expire(key), RECHECK_MS);
    else flush(key);
  };

  return {
    offer(target, file, seenAt = Date.now()) {
      const key = pairKey(file);
      const role = isSidecarName(file) ? 'sidecar' : 'media';
      if (waiting.get(key)?.[role]) flush(key);
      const entry = waiting.get(key);
      if (entry) {
        entry[role] = file;
        flush(key);
        return false;
      }
      const waitMs = Math.max(0, seenAt + options.waitMs - Date.now());
      if (waitMs === 0 && !partnerSettling(file)) {
        options.onUnit({ target, media: file, sidecar: undefined });
        return false;
      }
      waiting.set(key, { target, [role]: file, timer: setTimeout(() => expire(key), waitMs) });
      return true;
    },
    stop() {
      const files: string[] = [];
      for (const entry of waiting.values()) {
        clearTimeout(entry.timer);
        if (entry.media) files.push(entry.media);
        if (entry.sidecar) files.push(entry.sidecar);
      }
      waiting.clear();
      return files;
    },
  };
}
