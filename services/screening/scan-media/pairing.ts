import { open } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { ValidationError } from '../../../lib/errors';
import { parseSidecar } from '../../../formats/sidecar/parse';
import { SIDECAR_NAMESPACE, type Sidecar } from '../../../formats/sidecar/sidecar';
import type { WalkedFile } from './walk';

/**
 * What a file on the medium is, which decides how it is screened:
 *
 * - `media`: every stage, in order; it may carry an mxhub `sidecar`, and is
 *   refused at the sidecar stage when its sidecar claims to be ours but does
 *   not parse (as the watch-folder connector quarantines such a pair).
 * - `sidecar`: the mxhub sidecar of a media file; antivirus only, and it
 *   travels with its media.
 * - `card-metadata`: XML that is not ours (P2 `CONTENTS/CLIP/*.XML`, SxS
 *   `*M01.XML`, a camera's index). Not media, so it is not analysed nor
 *   ingested, but it is antivirus-scanned: a card is reported clean only
 *   when every file on it was looked at.
 */
export type ScanUnit =
  | { kind: 'media'; file: WalkedFile; sidecar?: PairedSidecar; brokenSidecar?: BrokenSidecar }
  | { kind: 'sidecar'; file: WalkedFile; mediaPath: string }
  | { kind: 'card-metadata'; file: WalkedFile };

export interface PairedSidecar {
  file: WalkedFile;
  sidecar: Sidecar;
}

export interface BrokenSidecar {
  file: WalkedFile;
  rule: string;
  reason: string;
}

/** Largest XML read to decide whether it is an mxhub sidecar; the parser refuses larger ones anyway. */
const MAX_SIDECAR_BYTES = 256 * 1024;

const isXml = (f: WalkedFile) => extname(f.path).toLowerCase() === '.xml';
const stem = (p: string) => {
  const name = basename(p);
  const ext = extname(name);
  return `${dirname(p)}\u0000${(ext ? name.slice(0, -ext.length) : name).toLowerCase()}`;
};

async function readHead(path: string, max: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(max);
    const { bytesRead } = await handle.read(buffer, 0, max, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

type XmlKind = { ours: true; sidecar: Sidecar } | { ours: 'broken'; rule: string; reason: string } | { ours: false };

/**
 * Ours when it parses as a sidecar. An XML that names the mxhub namespace but
 * does not parse is a broken sidecar (refused, like the hub would); any other
 * XML is the card vendor's.
 */
export async function readXmlKind(file: WalkedFile): Promise<XmlKind> {
  if (file.size > MAX_SIDECAR_BYTES) return { ours: false };
  const bytes = await readHead(file.path, MAX_SIDECAR_BYTES);
  try {
    return { ours: true, sidecar: parseSidecar(bytes) };
  } catch (error) {
    if (!bytes.includes(SIDECAR_NAMESPACE)) return { ours: false };
    const rule =
      error instanceof ValidationError ? String(error.details?.rule ?? 'sidecar.invalid') : 'sidecar.invalid';
    return { ours: 'broken', rule, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Splits the walked files into scan units. A media file pairs with the
 * `<same base name>.xml` in the same folder (case-insensitive, as card file
 * systems are); an XML without a media twin is card metadata, or, when it
 * is an mxhub sidecar, screened like any other file (the hub would take it
 * as an asset of its own too).
 */
export async function pairUnits(files: WalkedFile[]): Promise<ScanUnit[]> {
  const mediaByStem = new Map<string, WalkedFile>();
  for (const f of files) if (!isXml(f) && !mediaByStem.has(stem(f.path))) mediaByStem.set(stem(f.path), f);
  const units: ScanUnit[] = [];
  const pairs = new Map<string, { sidecar?: PairedSidecar; broken?: BrokenSidecar }>();
  for (const f of files.filter(isXml)) {
    const media = mediaByStem.get(stem(f.path));
    const kind = await readXmlKind(f);
    if (kind.ours === false) units.push({ kind: 'card-metadata', file: f });
    else if (!media) units.push({ kind: 'media', file: f });
    else {
      if (kind.ours === true) pairs.set(media.path, { sidecar: { file: f, sidecar: kind.sidecar } });
      else pairs.set(media.path, { broken: { file: f, rule: kind.rule, reason: kind.reason } });
      units.push({ kind: 'sidecar', file: f, mediaPath: media.path });
    }
  }
  for (const f of files) {
    if (isXml(f)) continue;
    const pair = pairs.get(f.path);
    units.push({
      kind: 'media',
      file: f,
      ...(pair?.sidecar ? { sidecar: pair.sidecar } : {}),
      ...(pair?.broken ? { brokenSidecar: pair.broken } : {}),
    });
  }
  return units.sort((a, b) => (a.file.relPath < b.file.relPath ? -1 : a.file.relPath > b.file.relPath ? 1 : 0));
}
