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
   * Offers a complete (stable) file of a target's drop folder. True when the
   * file now waits (up to `waitMs`) for its partner; false when it left at once
   * as (part of) a unit.
   */
  offer(target: string, file: string): boolean;
  /** Forgets every waiting file without emitting it; returns them so the caller can release them. */
  stop(): string[];
}

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
function pairKey(file: string): string {
  const name = basename(file);
  const ext = extname(name);
  return `${dirname(file)}\u0000${ext ? name.slice(0, -ext.length) : name}`;
}

/**
 * Pairs media with sidecars by name: `<name>.xml` beside `<name>.<ext>`.
 * Whichever of the two is offered first waits up to `waitMs` for the other;
 * the pair is emitted as soon as both are there, and a file still alone when
 * the wait ends is emitted alone. One sidecar pairs with one media file: a
 * second file of the same role and name flushes the waiting one first, so
 * nothing waits forever and no file is held twice.
 */
export function createPairer(options: { waitMs: number; onUnit: (unit: DropUnit) => void }): Pairer {
  const waiting = new Map<string, Waiting>();

  const flush = (key: string) => {
    const entry = waiting.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(key);
    const media = entry.media ?? entry.sidecar;
    if (!media) return;
    options.onUnit({ target: entry.target, media, sidecar: entry.media ? entry.sidecar : undefined });
  };

  return {
    offer(target, file) {
      const key = pairKey(file);
      const role = isSidecarName(file) ? 'sidecar' : 'media';
      if (waiting.get(key)?.[role]) flush(key);
      let entry = waiting.get(key);
      if (!entry) {
        entry = { target, timer: setTimeout(() => flush(key), options.waitMs) };
        waiting.set(key, entry);
      }
      entry[role] = file;
      if (!(entry.media && entry.sidecar)) return true;
      flush(key);
      return false;
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
