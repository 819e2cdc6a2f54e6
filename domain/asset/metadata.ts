import { fieldRules, LIMITS, sidecarError } from '../../formats/sidecar/sidecar';
import { StateError } from '../../lib/errors';
import type { AssetState } from './asset';

/** The sidecar fields a user may edit: what describes the material, never what routes or checks it. */
export const EDITABLE_FIELDS = ['title', 'materialId', 'programmeId', 'category', 'description', 'rights'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/**
 * An edit of an asset's sidecar metadata: a field given replaces the old
 * value, `null` removes it (never `title`, which the format requires); an
 * `extra` key given with a value sets that item, with `null` removes it.
 * Destinations, priority, checksum and duration are not editable: screening
 * checked them against the file and delivery acted on them.
 */
export type MetadataPatch = Partial<Record<EditableField, string | null>> & {
  extra?: Record<string, string | null>;
};

export interface MetadataChange {
  type: 'MetadataChanged';
  data: { before: Record<string, unknown>; after: Record<string, unknown>; changed: string[] };
}

type Item = { key: string; value: string };

const itemsOf = (value: unknown): Item[] =>
  Array.isArray(value)
    ? value.filter((i): i is Item => typeof i?.key === 'string' && typeof i?.value === 'string')
    : [];

/** A field's new value, checked by the sidecar format's own rule and trimmed as the parser trims. */
function checked(field: EditableField, value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw sidecarError('sidecar.invalid-value', field, 'is empty; send null to remove it instead');
  return fieldRules[field](trimmed);
}

function patchedExtra(items: Item[], patch: Record<string, string | null>): Item[] {
  let out = [...items];
  for (const [key, value] of Object.entries(patch)) {
    fieldRules.key(key);
    if (value === null) {
      out = out.filter((i) => i.key !== key);
      continue;
    }
    const item = { key, value: fieldRules.value(value.trim()) };
    if (!item.value) throw sidecarError('sidecar.invalid-value', 'item', `extra.${key} is empty; send null instead`);
    const at = out.findIndex((i) => i.key === key);
    if (at >= 0) out[at] = item;
    else out.push(item);
  }
  if (out.length > LIMITS.items)
    throw sidecarError('sidecar.invalid-value', 'extra', `would have more than ${LIMITS.items} items`);
  return out;
}

/** The fields of `after` that differ from `before` (`extra.<key>` per extra item), in a stable order. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const changed = EDITABLE_FIELDS.filter((f) => before[f] !== after[f]);
  const was = new Map(itemsOf(before.extra).map((i) => [i.key, i.value]));
  const now = new Map(itemsOf(after.extra).map((i) => [i.key, i.value]));
  const keys = [...new Set([...was.keys(), ...now.keys()])];
  return [...changed, ...keys.filter((k) => was.get(k) !== now.get(k)).map((k) => `extra.${k}`)];
}

/**
 * What an edit means for the asset: one `MetadataChanged` with the whole
 * metadata before and after, or nothing when the edit changes nothing. The
 * result must still be a sidecar the format accepts (a title, a material or
 * programme id), so every delivery after it can carry it. Pure; throws
 * `ValidationError` naming the field and rule, `StateError` for a deleted asset.
 */
export function changeMetadata(state: AssetState, patch: MetadataPatch): MetadataChange[] {
  if (state.status === 'deleted') {
    throw new StateError(`asset ${state.assetId} is deleted: its metadata can no longer be edited`, {
      assetId: state.assetId,
    });
  }
  const before: Record<string, unknown> = state.sidecar ?? {};
  const after: Record<string, unknown> = { destinations: [], extra: [], ...before };
  for (const field of EDITABLE_FIELDS) {
    const value = patch[field];
    if (value === undefined) continue;
    if (value === null) {
      if (field === 'title')
        throw sidecarError('sidecar.missing-element', 'title', 'is required and cannot be removed');
      delete after[field];
    } else after[field] = checked(field, value);
  }
  if (patch.extra) after.extra = patchedExtra(itemsOf(after.extra), patch.extra);
  if (typeof after.title !== 'string') throw sidecarError('sidecar.missing-element', 'title', 'is required');
  if (!after.materialId && !after.programmeId)
    throw sidecarError('sidecar.missing-element', 'materialId', 'or <programmeId> is required');
  const changed = changedFields(before, after);
  return changed.length === 0 ? [] : [{ type: 'MetadataChanged', data: { before, after, changed } }];
}
