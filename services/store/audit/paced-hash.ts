import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Caps the read speed of every audit of this process together: a reader
 * takes the bytes it read and is held until the average since the pacer's
 * window began is back under the cap. The window restarts after an idle
 * second, so a quiet spell is not spent as a later burst.
 */
export function createPacer(bytesPerSecond: number) {
  let windowStart = 0;
  let taken = 0;
  let lastTake = 0;
  return {
    async take(bytes: number): Promise<void> {
      const now = Date.now();
      if (now - lastTake > 1000) {
        windowStart = now;
        taken = 0;
      }
      taken += bytes;
      lastTake = now;
      const due = windowStart + (taken * 1000) / bytesPerSecond;
      if (due > now) await sleep(due - now);
      lastTake = Math.max(lastTake, Date.now());
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;

/** The SHA-256 (hex) and size of a file, read in 1 MiB chunks at the pacer's speed. Rejects as the read does. */
export async function pacedSha256(path: string, pacer: Pacer): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    await pacer.take(buf.length);
  }
  return { sha256: hash.digest('hex'), bytes };
}
