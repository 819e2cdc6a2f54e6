// Hand-written on purpose: the hub's sidecars must come out deterministic (same asset, same bytes: element
// order, escaping and namespace fixed) and namespace-exact, so that parse.ts reads back every one it writes
// (a round trip the tests hold it to). The format is small and flat; a general XML builder would add
// options to pin down, not safety.
import {
  fieldRules,
  formatDuration,
  LIMITS,
  parseDuration,
  sidecarError,
  SIDECAR_NAMESPACE,
  SIDECAR_VERSION,
  type Sidecar,
} from './sidecar';

// CR is written as a character reference: XML parsers turn a literal CR LF
// into LF, and the delivered sidecar must read back exactly as written.
function escape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

// The parser trims values and refuses empty ones: write only what it will
// read back unchanged.
function trimmed(element: string, value: string): string {
  if (value === '' || value.trim() !== value) {
    throw sidecarError('sidecar.invalid-value', element, 'must not be empty or start or end with white space');
  }
  return value;
}

/**
 * Writes a sidecar in the format `parseSidecar` reads (formats/sidecar/sidecar.xsd),
 * for the copies the hub delivers. Values are checked against the same rules
 * as on input, so the hub never emits a sidecar it would itself refuse.
 */
export function writeSidecar(sidecar: Sidecar): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<sidecar xmlns="${SIDECAR_NAMESPACE}" version="${SIDECAR_VERSION}">`,
  ];
  const leaf = (name: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`  <${name}>${escape(trimmed(name, value))}</${name}>`);
  };
  leaf('title', fieldRules.title(sidecar.title));
  if (!sidecar.materialId && !sidecar.programmeId)
    throw sidecarError('sidecar.missing-element', 'materialId', 'or <programmeId> is required');
  leaf('materialId', sidecar.materialId && fieldRules.materialId(sidecar.materialId));
  leaf('programmeId', sidecar.programmeId && fieldRules.programmeId(sidecar.programmeId));
  leaf('category', sidecar.category && fieldRules.category(sidecar.category));
  leaf('description', sidecar.description && fieldRules.description(sidecar.description));
  if (sidecar.destinations.length > LIMITS.destinations) {
    throw sidecarError('sidecar.invalid-value', 'destinations', `lists more than ${LIMITS.destinations} destinations`);
  }
  if (sidecar.destinations.length > 0) {
    lines.push('  <destinations>');
    for (const destination of sidecar.destinations)
      lines.push(`    <destination>${escape(fieldRules.destination(destination))}</destination>`);
    lines.push('  </destinations>');
  }
  leaf('priority', sidecar.priority === undefined ? undefined : String(fieldRules.priority(sidecar.priority)));
  leaf('checksum', sidecar.checksum && fieldRules.checksum(sidecar.checksum));
  // Round-trip through the parser's rule so a malformed duration object cannot be written.
  leaf('duration', sidecar.duration && formatDuration(parseDuration(formatDuration(sidecar.duration))));
  leaf('rights', sidecar.rights && fieldRules.rights(sidecar.rights));
  if (sidecar.extra.length > LIMITS.items)
    throw sidecarError('sidecar.invalid-value', 'extra', `has more than ${LIMITS.items} items`);
  if (sidecar.extra.length > 0) {
    lines.push('  <extra>');
    const keys = new Set<string>();
    for (const { key, value } of sidecar.extra) {
      if (keys.has(key))
        throw sidecarError('sidecar.duplicate-element', 'item', 'repeats a key already used in <extra>');
      keys.add(key);
      lines.push(
        `    <item key="${escape(fieldRules.key(key))}">${escape(trimmed('item', fieldRules.value(value)))}</item>`,
      );
    }
    lines.push('  </extra>');
  }
  lines.push('</sidecar>', '');
  return lines.join('\n');
}
