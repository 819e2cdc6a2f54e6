import { createHash, randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * Random bytes drawn from the system's CSPRNG 4 KiB at a time and handed out
 * once each, as `crypto.randomUUID` does with its own cache: a call into
 * OpenSSL per id was 2.5% of the main thread while 100 clients read ranges
 * (docs/benchmarks.md, content serving).
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
/** `n` fresh random bytes: a view of the pool, read at once by the caller and never handed out again. */
function random(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then randomness. Ids made in
 * the same millisecond by this process keep their order through a 12-bit
 * counter in rand_a, so event ids sort like the events were made.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs++;
    now = lastMs;
  } else {
    lastMs = now;
    seq = random(2).readUInt16BE() & 0x3ff;
  }
  const b = random(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A UUIDv8 (RFC 9562, custom) derived from `name` by SHA-256: the same name
 * always gives the same id. For ids that must be stable across retries and
 * processes, such as the transfer of one asset to one target.
 */
export function uuidFromName(name: string): string {
  const b = createHash('sha256').update(name).digest().subarray(0, 16);
  b[6] = 0x80 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
