import type { AssetEvent } from '../../events/catalog/asset-events';
import { stamp, type Stamped } from '../../events/stamp';
import type { Sidecar } from '../../formats/sidecar/sidecar';

/** How the sidecar of a unit turned out, if there was one. */
export type SidecarOutcome =
  { ok: true; sidecar: Sidecar } | { ok: false; rule: string; reason: string; quarantinePath: string };

/** Everything the connector learnt about one claimed unit. */
export interface IngestFacts {
  assetId: string;
  network: string;
  /** Where the asset goes: its drop folder's target, or its sidecar's destinations. */
  targets: string[];
  originalName: string;
  stagedPath: string;
  sizeBytes: number;
  sha256: string;
  sidecar?: SidecarOutcome;
}

/**
 * The events that open an asset's stream, in order: detected, ingested, then
 * the sidecar's verdict when there is one. Pure: ids and time come in.
 *
 * Each claimed file starts a new journey, so the correlation id is the asset
 * id; each event is caused by the one before it, the first by the asset.
 */
export function ingestEvents(facts: IngestFacts, newId: () => string, occurredAt: string): Array<Stamped<AssetEvent>> {
  const { assetId } = facts;
  const events: AssetEvent[] = [
    {
      type: 'AssetDetected',
      data: {
        assetId,
        sourceNetwork: facts.network,
        targets: facts.targets,
        originalName: facts.originalName,
        sizeBytes: facts.sizeBytes,
      },
    },
    {
      type: 'AssetIngested',
      data: { assetId, stagedPath: facts.stagedPath, sizeBytes: facts.sizeBytes, sha256: facts.sha256 },
    },
  ];
  const sidecar = facts.sidecar;
  if (sidecar?.ok) {
    events.push({ type: 'SidecarParsed', data: { assetId, sidecar: { ...sidecar.sidecar } } });
  } else if (sidecar) {
    const { rule, reason, quarantinePath } = sidecar;
    events.push(
      { type: 'AssetScreened', data: { assetId, stage: 'sidecar', passed: false, rule, reason } },
      { type: 'AssetQuarantined', data: { assetId, stage: 'sidecar', rule, reason, quarantinePath } },
    );
  }
  return stamp(events, {
    actor: `connector:${facts.network}`,
    now: occurredAt,
    newId,
    correlationId: assetId,
    causationId: assetId,
  });
}
