import zlib from 'node:zlib';

export interface InflateResult {
  /** Bytes produced before stopping (at most `budget + 1`). */
  produced: number;
  /** True when the data would inflate past `budget`: inflation stopped there. */
  exceeded: boolean;
  /** The first bytes produced, for content sniffing. */
  head: Buffer;
  /** The whole output, when it fit in `keepBytes`. */
  kept?: Buffer;
  /** Set when the compressed data is corrupt. */
  error?: string;
}

export interface InflateOptions {
  format: 'gzip' | 'deflate-raw';
  /** Stop as soon as more than this many bytes come out. */
  budget: number;
  /** Bytes of output kept for sniffing. */
  headBytes: number;
  /** Keep the whole output in memory if it is at most this large (0: never). */
  keepBytes: number;
}

// zlib's errors may come from another realm (test sandboxes), where
// `instanceof Error` is false: read the message structurally.
const messageOf = (cause: unknown) => (cause as { message?: string } | null)?.message ?? String(cause);

/**
 * Inflates a compressed stream while counting, and stops the moment the
 * output passes the budget: a decompression bomb costs at most `budget`
 * bytes of CPU work and `keepBytes` of memory, and nothing touches the disk.
 */
export async function inflateWithBudget(input: AsyncIterable<Buffer>, options: InflateOptions): Promise<InflateResult> {
  const inflater = options.format === 'gzip' ? zlib.createGunzip() : zlib.createInflateRaw();
  const heads: Buffer[] = [];
  const kept: Buffer[] = [];
  let headLength = 0;
  let produced = 0;
  let exceeded = false;
  let keeping = options.keepBytes > 0;

  // Errors surface through the iterator below; this listener only keeps a
  // late error (after we stopped reading) from becoming an uncaught one.
  inflater.on('error', () => undefined);
  const consumed = (async () => {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      produced += chunk.length;
      if (headLength < options.headBytes) {
        heads.push(chunk.subarray(0, options.headBytes - headLength));
        headLength += Math.min(chunk.length, options.headBytes - headLength);
      }
      keeping = keeping && produced <= options.keepBytes;
      if (keeping) kept.push(chunk);
      if (produced > options.budget) {
        exceeded = true;
        return;
      }
    }
  })().then(
    () => undefined,
    (cause: unknown) => messageOf(cause),
  );
  let finished = false;
  void consumed.then(() => (finished = true));

  let error: string | undefined;
  try {
    for await (const chunk of input) {
      if (finished) break;
      if (!inflater.write(chunk)) {
        await new Promise<void>((resolve) => {
          inflater.once('drain', resolve);
          void consumed.then(() => resolve());
        });
      }
    }
    if (!finished) inflater.end();
    error = await consumed;
  } catch (cause) {
    error = messageOf(cause);
  } finally {
    inflater.destroy();
  }
  const result: InflateResult = { produced, exceeded, head: Buffer.concat(heads) };
  if (keeping && !exceeded && !error) result.kept = Buffer.concat(kept);
  if (error && !exceeded) result.error = error;
  return result;
}
