/**
 * What the catalog derives from an asset's facts, pure: its media type, its
 * programme, its title and the one text search looks in. The projection and
 * the benchmark's set-up both build rows with these, so they never disagree.
 */

export const MEDIA_TYPES = ['video', 'audio', 'image', 'other'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const STILLS = new Set(['png', 'jpeg', 'jpg', 'gif', 'bmp', 'tiff', 'webp']);

/** video, audio, image or other, from the technical metadata deep analysis recorded. */
export function mediaTypeOf(technical: Json | null | undefined): MediaType {
  if (!technical) return 'other';
  const video = str(technical.videoCodec);
  const container = str(technical.container);
  if ((container && STILLS.has(container)) || (video && STILLS.has(video) && !technical.durationSeconds))
    return 'image';
  if (video) return 'video';
  return str(technical.audioCodec) ? 'audio' : 'other';
}

/** The sidecar's extra items as key/value pairs (the format keeps them as an ordered list). */
export function extraItems(metadata: Json): Array<{ key: string; value: string }> {
  const extra = metadata.extra;
  if (!Array.isArray(extra)) return [];
  return extra.filter(
    (i): i is { key: string; value: string } => typeof i?.key === 'string' && typeof i?.value === 'string',
  );
}

const PROGRAMME_KEYS = ['programme', 'program'];

/**
 * The programme the tree files an asset under: an extra item `programme` (or
 * `program`), the programme's name as newsrooms write it, else the sidecar's
 * `programmeId`; null when the sidecar names neither.
 */
export function programmeOf(metadata: Json): string | null {
  const item = extraItems(metadata).find((i) => PROGRAMME_KEYS.includes(i.key.toLowerCase()));
  return item?.value ?? str(metadata.programmeId) ?? null;
}

/**
 * Text as search compares it: NFKC (full-width Ｌａｔｉｎ and half-width kana
 * fold to their usual forms) and lower case, the same for the indexed text
 * and for the query, so the index can use plain LIKE rather than ILIKE.
 */
export const normalise = (text: string): string => text.normalize('NFKC').toLowerCase();

/**
 * The text with every character but white space written twice (`民生` -> `民民生生`): a
 * two-character string `ab` occurs in the text exactly where `aabb` occurs in this one, and
 * `aabb` has trigrams, so two-character searches (common in Chinese: 新闻, 交通) find their
 * candidates through a trigram index too instead of reading every row.
 */
export const paired = (text: string): string => [...text].map((c) => (/\s/u.test(c) ? c : c + c)).join('');

const SIDECAR_TEXT = ['title', 'materialId', 'programmeId', 'category', 'description', 'rights'];
const TECHNICAL_TEXT = ['container', 'videoCodec', 'audioCodec'];

/**
 * Everything search looks in, one field a line: the original name, the
 * source network, every sidecar field and extra item (key and value), the
 * media type, codecs, container and raster (`1920x1080`).
 */
export function searchText(fields: {
  originalName: string;
  sourceNetwork: string;
  metadata: Json;
  technical: Json | null;
}): string {
  const { metadata, technical } = fields;
  const lines = [fields.originalName, fields.sourceNetwork];
  for (const key of SIDECAR_TEXT) {
    const value = str(metadata[key]);
    if (value) lines.push(value);
  }
  for (const item of extraItems(metadata)) lines.push(`${item.key} ${item.value}`);
  lines.push(mediaTypeOf(technical));
  if (technical) {
    for (const key of TECHNICAL_TEXT) {
      const value = str(technical[key]);
      if (value) lines.push(value);
    }
    if (typeof technical.width === 'number' && typeof technical.height === 'number')
      lines.push(`${technical.width}x${technical.height}`);
  }
  return normalise(lines.join('\n'));
}
