import { ValidationError } from '../../lib/errors';

/** The sidecar namespace; formats/sidecar/sidecar.xsd describes the format. */
export const SIDECAR_NAMESPACE = 'urn:mxhub:sidecar:1';
/**
 * The format version the hub writes and reads by default. Version 2 gave
 * `<priority>` the transfer scale (1 highest); version 1 ran it the other way.
 */
export const SIDECAR_VERSION = '2';
/** Version 1: `<priority>` 10 was the highest. Still read, converted, and reported as deprecated. */
export const LEGACY_SIDECAR_VERSION = '1';

/** A version 1 priority (10 highest) on the one scale (1 highest): 10 -> 1, 8 -> 3, 1 -> 10. */
export const fromLegacyPriority = (legacy: number) => 11 - legacy;

/** The name of a media file's sidecar: the same base name and `.xml` (`clip.mxf` + `clip.xml`). */
export function sidecarNameFor(mediaName: string): string {
  const dot = mediaName.lastIndexOf('.');
  return `${dot > 0 ? mediaName.slice(0, dot) : mediaName}.xml`;
}

/** Seconds (`90`, `90.5`) or SMPTE timecode `HH:MM:SS:FF` (`;` before FF: drop-frame). */
export type SidecarDuration =
  | { kind: 'seconds'; seconds: number }
  | { kind: 'timecode'; hours: number; minutes: number; seconds: number; frames: number; dropFrame: boolean };

/** The metadata that travels with one media file as `<name>.xml`. */
export interface Sidecar {
  title: string;
  /** At least one of materialId and programmeId is present. */
  materialId?: string;
  programmeId?: string;
  category?: string;
  description?: string;
  /** Target network ids; empty when the sidecar names none (the drop folder decides). */
  destinations: string[];
  /**
   * The transfer scale, one for the whole hub: 1 (highest) to 10 (lowest), 1 and 2 in
   * the urgent lane. A version 1 document's priority is converted when parsed.
   */
  priority?: number;
  /** SHA-256 of the media file, lower-case hex. */
  checksum?: string;
  duration?: SidecarDuration;
  rights?: string;
  /** Free key/value items, keys unique, in document order. */
  extra: Array<{ key: string; value: string }>;
}

/** Stable rule ids carried in `ValidationError.details.rule`. */
export type SidecarRule =
  | 'sidecar.too-large'
  | 'sidecar.malformed'
  | 'sidecar.encoding'
  | 'sidecar.doctype'
  | 'sidecar.entity'
  | 'sidecar.processing-instruction'
  | 'sidecar.depth'
  | 'sidecar.root'
  | 'sidecar.unknown-element'
  | 'sidecar.unknown-attribute'
  | 'sidecar.duplicate-element'
  | 'sidecar.missing-element'
  | 'sidecar.invalid-value';

/**
 * The error every sidecar problem becomes. Names the element and the rule,
 * never the offending value: sidecars come from outside and their content
 * must not leak into events or logs.
 */
export function sidecarError(rule: SidecarRule, element: string | undefined, message: string): ValidationError {
  const subject = element ? `sidecar <${element}>` : 'sidecar document';
  return new ValidationError(`${subject} ${message} (rule ${rule})`, { rule, ...(element ? { element } : {}) });
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** An element name safe to repeat in a message; anything else is described, not quoted. */
export function safeName(name: string): string {
  return NAME.test(name) ? name : 'an element with an unusual name';
}

// Tab, LF and CR are fine in text; other C0/C1 controls are not.
// eslint-disable-next-line no-control-regex -- finding control characters is the point of this check
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const NETWORK = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;

function text(element: string, value: string, maxLength: number): string {
  if (CONTROL.test(value)) throw sidecarError('sidecar.invalid-value', element, 'contains a control character');
  if ([...value].length > maxLength)
    throw sidecarError('sidecar.invalid-value', element, `is longer than ${maxLength} characters`);
  return value;
}

function matching(element: string, value: string, pattern: RegExp, accepted: string): string {
  if (!pattern.test(value)) throw sidecarError('sidecar.invalid-value', element, `must be ${accepted}`);
  return value;
}

/** Checks one field value; the parser and the writer share these rules. */
export const fieldRules = {
  title: (v: string) => text('title', v, 512),
  materialId: (v: string) =>
    matching('materialId', v, IDENTIFIER, 'an identifier of 1 to 128 letters, digits and . _ : / -'),
  programmeId: (v: string) =>
    matching('programmeId', v, IDENTIFIER, 'an identifier of 1 to 128 letters, digits and . _ : / -'),
  category: (v: string) =>
    matching(
      'category',
      v,
      /^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/,
      'a category name of up to 64 letters, digits, spaces, _ and -',
    ),
  description: (v: string) => text('description', v, 8192),
  destination: (v: string) => matching('destination', v, NETWORK, 'a network id (lower-case letters, digits and -)'),
  priority: (v: number) => {
    if (!Number.isInteger(v) || v < 1 || v > 10)
      throw sidecarError('sidecar.invalid-value', 'priority', 'must be a whole number from 1 to 10');
    return v;
  },
  checksum: (v: string) => matching('checksum', v, SHA256, 'a SHA-256 digest: 64 hexadecimal digits'),
  rights: (v: string) => text('rights', v, 4096),
  key: (v: string) =>
    matching('item', v, KEY, 'keyed by a name of letters, digits, _ . - (starting with a letter or _)'),
  value: (v: string) => text('item', v, 4096),
};

export const LIMITS = { destinations: 32, items: 64 } as const;

/** Parses `90`, `90.5`, `01:30:00:12` or `01:30:00;12`. */
export function parseDuration(value: string): SidecarDuration {
  const seconds = /^\d{1,7}(\.\d{1,6})?$/.exec(value);
  if (seconds) return { kind: 'seconds', seconds: Number(value) };
  const timecode = /^(\d{2}):([0-5]\d):([0-5]\d)([:;])(\d{2})$/.exec(value);
  if (timecode) {
    const [, h, m, s, separator, f] = timecode;
    return {
      kind: 'timecode',
      hours: Number(h),
      minutes: Number(m),
      seconds: Number(s),
      frames: Number(f),
      dropFrame: separator === ';',
    };
  }
  throw sidecarError(
    'sidecar.invalid-value',
    'duration',
    'must be seconds (e.g. 90.5) or timecode HH:MM:SS:FF (HH:MM:SS;FF for drop-frame)',
  );
}

export function formatDuration(duration: SidecarDuration): string {
  if (duration.kind === 'seconds') return String(duration.seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const { hours, minutes, seconds, frames, dropFrame } = duration;
  return `${two(hours)}:${two(minutes)}:${two(seconds)}${dropFrame ? ';' : ':'}${two(frames)}`;
}

/**
 * A duration in seconds. Timecode needs the frame rate. Non-drop timecode at
 * 29.97 runs 0.1% behind the clock; drop-frame timecode skips frame labels 0
 * and 1 (0-3 at 59.94) each minute except every tenth to keep up.
 */
export function durationInSeconds(duration: SidecarDuration, frameRate?: number): number {
  if (duration.kind === 'seconds') return duration.seconds;
  if (!frameRate || frameRate <= 0)
    throw sidecarError('sidecar.invalid-value', 'duration', 'is a timecode, which needs a frame rate to compare');
  const { hours, minutes, seconds, frames, dropFrame } = duration;
  // Labels count frames at the nominal rate (30 for 29.97); real time
  // divides the frame count by the actual rate.
  const nominal = Math.round(frameRate);
  const totalMinutes = hours * 60 + minutes;
  const dropped = dropFrame ? (nominal / 15) * (totalMinutes - Math.floor(totalMinutes / 10)) : 0;
  return (nominal * (hours * 3600 + minutes * 60 + seconds) + frames - dropped) / frameRate;
}
