import type { AssetState } from '../../domain/asset/asset';
import { LIMITS, type Sidecar } from '../../formats/sidecar/sidecar';

/**
 * The sidecar a delivery carries, in the agreed format (formats/sidecar/sidecar.md):
 * the sender's sidecar when there was one, with the hub's checksum, else one
 * the hub writes from what it knows. The hub's facts go in as free items so a
 * receiving system can trace the file back to its asset and journey.
 */
export function deliverySidecar(asset: AssetState, target: string): Sidecar {
  const given = asset.sidecar as Partial<Sidecar> | undefined;
  const durationSeconds = asset.technical?.durationSeconds;
  const hubItems = [
    { key: 'mxhub.assetId', value: asset.assetId },
    { key: 'mxhub.sourceNetwork', value: asset.sourceNetwork },
    { key: 'mxhub.correlationId', value: asset.correlationId },
  ];
  const own = (given?.extra ?? []).filter((i) => !i.key.startsWith('mxhub.'));
  const extra = [...own.slice(0, LIMITS.items - hubItems.length), ...hubItems];
  return {
    ...given,
    title: given?.title ?? asset.originalName,
    ...(given?.materialId || given?.programmeId ? {} : { materialId: asset.assetId }),
    destinations: given?.destinations?.length ? given.destinations : [target],
    checksum: asset.sha256,
    ...(given?.duration
      ? {}
      : typeof durationSeconds === 'number' && durationSeconds > 0
        ? { duration: { kind: 'seconds' as const, seconds: Math.round(durationSeconds * 1000) / 1000 } }
        : {}),
    extra,
  };
}
