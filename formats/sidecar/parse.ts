import { open } from 'node:fs/promises';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  fieldRules,
  LIMITS,
  parseDuration,
  safeName,
  sidecarError,
  fromLegacyPriority,
  LEGACY_SIDECAR_VERSION,
  SIDECAR_NAMESPACE,
  SIDECAR_VERSION,
  type Sidecar,
} from './sidecar';

const DEFAULT_MAX_BYTES = 256 * 1024;

export interface SidecarParseOptions {
  /** Largest document accepted, in bytes. @default 256 KiB */
  maxBytes?: number;
  /** Deepest element nesting accepted; the root element is level 1. @default 16 */
  maxDepth?: number;
  /**
   * Told once per document that uses a deprecated form (a `version="1"` sidecar with a
   * `<priority>`, read on the old scale and converted), so the caller can log it. The
   * note names the rule, never a value. @default ignored
   */
  onDeprecated?: (note: string) => void;
}

type Leaf =
  'title' | 'materialId' | 'programmeId' | 'category' | 'description' | 'priority' | 'checksum' | 'duration' | 'rights';
const LEAVES = new Set<string>([
  'title',
  'materialId',
  'programmeId',
  'category',
  'description',
  'priority',
  'checksum',
  'duration',
  'rights',
]);
const CHILDREN: Record<string, ReadonlySet<string>> = {
  sidecar: new Set([...LEAVES, 'destinations', 'extra']),
  destinations: new Set(['destination']),
  extra: new Set(['item']),
};
const ATTRIBUTES: Record<string, ReadonlySet<string>> = {
  sidecar: new Set(['xmlns', 'version']),
  item: new Set(['key']),
};

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw sidecarError('sidecar.encoding', undefined, 'is not valid UTF-8; sidecars are UTF-8 encoded');
  }
}

/**
 * Parses a sidecar into a typed `Sidecar`, or throws a `ValidationError`
 * naming the element and rule. Refused outright, before anything is
 * expanded or fetched: a DOCTYPE (so any DTD, internal entity declaration or
 * external reference, hence XXE and billion laughs), entity references other
 * than XML's five predefined ones, processing instructions other than the
 * XML declaration, documents over `maxBytes` or nested deeper than
 * `maxDepth`, unknown elements and attributes.
 */
export function parseSidecar(input: Buffer | string, options: SidecarParseOptions = {}): Sidecar {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? 16;
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > maxBytes)
    throw sidecarError('sidecar.too-large', undefined, `is ${bytes.length} bytes; at most ${maxBytes} are accepted`);
  const xml = decodeUtf8(bytes);

  const stack: string[] = [];
  const leaves = new Map<Leaf, string>();
  const seen = new Set<string>();
  const destinations: string[] = [];
  const extra: Sidecar['extra'] = [];
  let itemKey = '';
  let content = '';
  // No version attribute reads as the current version: the one priority scale.
  let legacy = false;

  const parser = new SaxesParser();
  parser.on('xmldecl', (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding))
      throw sidecarError('sidecar.encoding', undefined, 'declares an encoding other than UTF-8');
  });
  parser.on('doctype', () => {
    throw sidecarError(
      'sidecar.doctype',
      undefined,
      'has a DOCTYPE; DTDs, entity declarations and external references are refused',
    );
  });
  parser.on('processinginstruction', () => {
    throw sidecarError(
      'sidecar.processing-instruction',
      stack.at(-1),
      'contains a processing instruction; only the XML declaration is accepted',
    );
  });
  parser.on('error', (error) => {
    if (/undefined entity/i.test(error.message)) {
      throw sidecarError(
        'sidecar.entity',
        stack.at(-1),
        "refers to an entity; only XML's predefined entities and character references are accepted",
      );
    }
    throw sidecarError(
      'sidecar.malformed',
      stack.at(-1),
      `is not well-formed XML (line ${parser.line}, column ${parser.column})`,
    );
  });
  parser.on('opentagstart', (tag) => {
    if (stack.length + 1 > maxDepth)
      throw sidecarError('sidecar.depth', safeName(tag.name), `is nested deeper than ${maxDepth} levels`);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack.at(-1);
    const name = tag.name;
    if (!parent && name !== 'sidecar')
      throw sidecarError('sidecar.root', safeName(name), 'must be <sidecar>, the root element of a sidecar');
    if (parent && !CHILDREN[parent]?.has(name)) {
      throw sidecarError(
        'sidecar.unknown-element',
        safeName(name),
        `is not allowed inside <${parent}>; see formats/sidecar/sidecar.xsd`,
      );
    }
    for (const [attribute, value] of Object.entries(tag.attributes)) {
      if (!ATTRIBUTES[name]?.has(attribute))
        throw sidecarError(
          'sidecar.unknown-attribute',
          name,
          `has an attribute that is not accepted (${safeName(attribute)})`,
        );
      if (attribute === 'xmlns' && value !== SIDECAR_NAMESPACE)
        throw sidecarError('sidecar.invalid-value', name, `must be in namespace ${SIDECAR_NAMESPACE}`);
      if (attribute === 'version' && value !== SIDECAR_VERSION && value !== LEGACY_SIDECAR_VERSION)
        throw sidecarError(
          'sidecar.invalid-value',
          name,
          `version must be ${SIDECAR_VERSION} (or ${LEGACY_SIDECAR_VERSION}, deprecated)`,
        );
      if (attribute === 'version') legacy = value === LEGACY_SIDECAR_VERSION;
    }
    if (parent === 'sidecar') {
      if (seen.has(name)) throw sidecarError('sidecar.duplicate-element', name, 'appears more than once');
      seen.add(name);
    }
    if (name === 'item') itemKey = fieldRules.key(tag.attributes.key ?? '');
    stack.push(name);
    content = '';
  });
  const addText = (text: string) => {
    const current = stack.at(-1);
    if (current && (LEAVES.has(current) || current === 'destination' || current === 'item')) content += text;
    else if (text.trim())
      throw sidecarError('sidecar.malformed', current, 'contains text outside the elements that take a value');
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', (tag) => {
    stack.pop();
    const value = content.trim();
    content = '';
    if (!LEAVES.has(tag.name) && tag.name !== 'destination' && tag.name !== 'item') return;
    if (!value) throw sidecarError('sidecar.invalid-value', tag.name, 'is empty; leave the element out instead');
    if (tag.name === 'destination') {
      if (destinations.length >= LIMITS.destinations)
        throw sidecarError(
          'sidecar.invalid-value',
          'destinations',
          `lists more than ${LIMITS.destinations} destinations`,
        );
      destinations.push(fieldRules.destination(value));
    } else if (tag.name === 'item') {
      if (extra.length >= LIMITS.items)
        throw sidecarError('sidecar.invalid-value', 'extra', `has more than ${LIMITS.items} items`);
      if (extra.some((i) => i.key === itemKey))
        throw sidecarError('sidecar.duplicate-element', 'item', 'repeats a key already used in <extra>');
      extra.push({ key: itemKey, value: fieldRules.value(value) });
    } else {
      leaves.set(tag.name as Leaf, value);
    }
  });
  parser.write(xml).close();

  const title = leaves.get('title');
  if (!title) throw sidecarError('sidecar.missing-element', 'title', 'is required');
  const sidecar: Sidecar = { title: fieldRules.title(title), destinations, extra };
  const optional = (leaf: Leaf, set: (value: string) => void) => {
    const value = leaves.get(leaf);
    if (value !== undefined) set(value);
  };
  optional('materialId', (v) => (sidecar.materialId = fieldRules.materialId(v)));
  optional('programmeId', (v) => (sidecar.programmeId = fieldRules.programmeId(v)));
  if (!sidecar.materialId && !sidecar.programmeId)
    throw sidecarError('sidecar.missing-element', 'materialId', 'or <programmeId> is required');
  optional('category', (v) => (sidecar.category = fieldRules.category(v)));
  optional('description', (v) => (sidecar.description = fieldRules.description(v)));
  optional('priority', (v) => {
    const priority = fieldRules.priority(/^\d{1,2}$/.test(v) ? Number(v) : NaN);
    sidecar.priority = legacy ? fromLegacyPriority(priority) : priority;
    if (legacy)
      options.onDeprecated?.(
        `sidecar version ${LEGACY_SIDECAR_VERSION} is deprecated: its <priority> (10 highest) was converted to the ` +
          `transfer scale (1 highest); write version="${SIDECAR_VERSION}" (see formats/sidecar/sidecar.md)`,
      );
  });
  optional('checksum', (v) => (sidecar.checksum = fieldRules.checksum(v.toLowerCase())));
  optional('duration', (v) => (sidecar.duration = parseDuration(v)));
  optional('rights', (v) => (sidecar.rights = fieldRules.rights(v)));
  return sidecar;
}

/**
 * Parses a sidecar file as `parseSidecar` does. Reads at most one byte more
 * than `maxBytes`, so an oversized file is refused without being loaded.
 * Rejects with the file system's error when the file cannot be read.
 */
export async function parseSidecarFile(file: string, options: SidecarParseOptions = {}): Promise<Sidecar> {
  const buffer = Buffer.alloc((options.maxBytes ?? DEFAULT_MAX_BYTES) + 1);
  const handle = await open(file, 'r');
  let filled = 0;
  try {
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return parseSidecar(buffer.subarray(0, filled), options);
}
