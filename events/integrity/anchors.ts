import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ValidationError } from '../../lib/errors';

/**
 * A signed checkpoint as exported outside the database: one line of the
 * anchors file (`checkpoints.exportFile`), one record of `mxhub.checkpoints`.
 * Numbers are decimal strings (positions exceed 2^53).
 */
export interface Anchor {
  /** `seq` of its row in `mx_log_checkpoints`. */
  seq: string;
  /** Position of the last event it covers. */
  position: string;
  /** Events in the log up to `position`, from the first one. */
  eventCount: string;
  digest: string;
  prevDigest: string;
  /** Ed25519 over `signedText(position, digest)`, base64. */
  signature: string;
  keyId: string;
}

const FORMAT: Record<keyof Anchor, RegExp> = {
  seq: /^\d{1,19}$/,
  position: /^\d{1,19}$/,
  eventCount: /^\d{1,19}$/,
  digest: /^[0-9a-f]{64}$/,
  prevDigest: /^([0-9a-f]{64})?$/,
  signature: /^[A-Za-z0-9+/]+={0,2}$/,
  keyId: /^[0-9a-f]{16}$/,
};
const FIELDS = Object.keys(FORMAT) as Array<keyof Anchor>;

/** One line of the anchors file, fields in a fixed order, without its newline. */
export function anchorText(a: Anchor): string {
  return JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, a[f]])));
}

/** Parses one line; `where` names it (`file:line`) in the error. */
export function parseAnchor(line: string, where: string): Anchor {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new ValidationError(`${where} is not JSON: each line of an anchors file is one signed checkpoint`);
  }
  for (const f of FIELDS) {
    const v = raw?.[f];
    if (typeof v !== 'string' || !FORMAT[f].test(v))
      throw new ValidationError(`${where}: "${f}" must be a string matching ${FORMAT[f].source}`);
  }
  return Object.fromEntries(FIELDS.map((f) => [f, raw[f]])) as unknown as Anchor;
}

/**
 * The anchors of a text holding an anchors file. A last line without its
 * newline is a write a crash cut short (never acknowledged): it is skipped.
 */
export function parseAnchors(text: string, source: string): Anchor[] {
  const lines = text.split('\n');
  lines.pop();
  return lines.flatMap((l, i) => (l.trim() ? [parseAnchor(l, `${source}:${i + 1}`)] : []));
}

/** Streams the anchors of `file` (large files stay out of memory); same rules as `parseAnchors`. */
export async function* readAnchors(file: string): AsyncGenerator<Anchor> {
  let rest = '';
  let lineNo = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      lineNo++;
      if (l.trim()) yield parseAnchor(l, `${file}:${lineNo}`);
    }
  }
}

/**
 * Appends one anchor and fsyncs it: it is on disk when this resolves. A new
 * file's directory is fsynced too, or a crash could lose the file itself.
 */
export async function appendAnchor(file: string, a: Anchor): Promise<void> {
  const fresh = !(await stat(file).catch(() => undefined));
  const fh = await open(file, 'a', 0o644);
  try {
    // One write of the whole line: appends of several processes to one file do not interleave within it.
    await fh.write(`${anchorText(a)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (fresh) {
    const dir = await open(dirname(file), 'r');
    await dir.sync().finally(() => dir.close());
  }
}

/**
 * The newest anchor of `file` (its last line), or undefined when there is no
 * file or it is empty. Reads only the tail. A torn last line (a crash during
 * `appendAnchor`, before its fsync returned) is cut off, so the next append
 * starts on a line of its own.
 */
export async function newestAnchor(file: string): Promise<Anchor | undefined> {
  const size = (await stat(file).catch(() => undefined))?.size;
  if (!size) return undefined;
  const tail = Buffer.alloc(Math.min(size, 64 * 1024));
  const fh = await open(file, 'r');
  try {
    await fh.read(tail, 0, tail.length, size - tail.length);
  } finally {
    await fh.close();
  }
  const start = size - tail.length;
  const end = tail.lastIndexOf('\n');
  // A line is a few hundred bytes: without a newline in 64 KiB, this is no anchors file; cut nothing.
  if (end < 0 && start > 0) throw new ValidationError(`${file} has no line end in its last 64 KiB`);
  if (end < tail.length - 1) await truncate(file, start + end + 1);
  const lines = tail.subarray(0, Math.max(end, 0)).toString('utf8').split('\n');
  // The first line of a tail that starts inside the file may be cut: never read it.
  const last = lines
    .slice(start > 0 ? 1 : 0)
    .reverse()
    .find((l) => l.trim());
  return last ? parseAnchor(last, `${file} (last line)`) : undefined;
}
