import type { AssetState } from '../../../../domain/asset/asset';
import { compileGlob, type SubscriptionRule } from './rule';

/** What a subscription can know about a cleared asset, from its stream. */
export interface AssetFacts {
  sourceNetwork: string;
  /** Where the drop sent it; empty for a pool asset. */
  targets: string[];
  originalName: string;
  /** Lower case, without the dot; empty when the name has none. */
  extension: string;
  sidecar?: Record<string, unknown>;
  /** From the analysis stage's technical metadata, when it found one. */
  durationSeconds?: number;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function factsOf(asset: AssetState): AssetFacts {
  const duration = asset.technical?.durationSeconds;
  return {
    sourceNetwork: asset.sourceNetwork,
    targets: asset.targets,
    originalName: asset.originalName,
    extension: extensionOf(asset.originalName),
    ...(asset.sidecar ? { sidecar: asset.sidecar } : {}),
    ...(typeof duration === 'number' && Number.isFinite(duration) ? { durationSeconds: duration } : {}),
  };
}

/** A sidecar field as text: a scalar as written, `extra.<key>` from the free items; undefined when absent. */
function sidecarValue(sidecar: Record<string, unknown> | undefined, field: string): string | undefined {
  if (!sidecar) return undefined;
  if (field.startsWith('extra.')) {
    const key = field.slice('extra.'.length);
    const extra = Array.isArray(sidecar.extra) ? (sidecar.extra as Array<{ key?: unknown; value?: unknown }>) : [];
    const item = extra.find((e) => e.key === key);
    return typeof item?.value === 'string' ? item.value : undefined;
  }
  const value = sidecar[field];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/**
 * True when the rule takes the asset: every condition given holds (an
 * absent one holds for any asset). A condition on something the asset does
 * not have (a sidecar field, a duration) does not hold. Never an asset of the
 * subscribed network itself: it is there already. Pure.
 */
export function matches(rule: SubscriptionRule, facts: AssetFacts): boolean {
  if (facts.sourceNetwork === rule.network) return false;
  if (rule.from && !rule.from.includes(facts.sourceNetwork)) return false;
  const m = rule.match ?? {};
  if (m.types && !m.types.includes(facts.extension)) return false;
  if (m.nameGlob !== undefined && !compileGlob(m.nameGlob, 'match.nameGlob')(facts.originalName)) return false;
  for (const [field, glob] of Object.entries(m.sidecar ?? {})) {
    const value = sidecarValue(facts.sidecar, field);
    if (value === undefined || !compileGlob(glob, `match.sidecar.${field}`)(value)) return false;
  }
  if (m.minDurationSeconds !== undefined || m.maxDurationSeconds !== undefined) {
    const d = facts.durationSeconds;
    if (d === undefined) return false;
    if (m.minDurationSeconds !== undefined && d < m.minDurationSeconds) return false;
    if (m.maxDurationSeconds !== undefined && d > m.maxDurationSeconds) return false;
  }
  return true;
}
