import type { AssetState } from '../../domain/asset/asset';
import { LIMITS, type Sidecar } from '../../formats/sidecar/sidecar';

/**
 * The sidecar a delivery carries, in the agreed format (formats/sidecar/sidecar.md):
 * the sender's sidecar when there was one, with the hub's checksum, else one
 * the hub writes from what it knows. The hub's facts go in as free items so a
 * receiving system can trace the file back to its asset and journey. A
 * rendition's sidecar checks the rendition (the file delivered) and names
 * the profile and the original's SHA-256 beside it.
 */
export function deliverySidecar(
  asset: AssetState,
  target: string,
  rendition?: { profile: string; sha256: string },
): Sidecar {
  const given = asset.sidecar as Partial<Sidecar> | undefined;
  const durationSeconds = asset.technical?.durationSeconds;
  const hubItems = [
    { key: 'mxhub.assetId', value: asset.assetId },
    { key: 'mxhub.sourceNetwork', value: asset.sourceNetwork },
    { key: 'mxhub.correlationId', value: asset.correlationId },
    ...(rendition
      ? [
          { key: 'mxhub.rendition.profile', value: rendition.profile },
          { key: 'mxhub.rendition.sha256', value: rendition.sha256 },
          { key: 'mxhub.source.sha256', value: asset.sha256 },
        ]
      : []),
  ];
  const own = (given?.extra ?? []).filter((i) => !i.key.startsWith('mxhub.'));
  const extra = [...own.slice(0, LIMITS.items - hubItems.length), ...hubItems];
  return {
    ...given,
    title: given?.title ?? asset.originalName,
    ...(given?.materialId || given?.programmeId ? {} : { materialId: asset.assetId }),
    destinations: given?.destinations?.length ? given.destinations : [target],
    checksum: rendition?.sha256 ?? asset.sha256,
    ...(given?.duration
      ? {}
      : typeof durationSeconds === 'number' && durationSeconds > 0
        ? { duration: { kind: 'seconds' as const, seconds: Math.round(durationSeconds * 1000) / 1000 } }
        : {}),
    extra,
  };
}
