import type { EventMetadata, NewEvent } from '../../events/envelope';
import type {
  AssetDetected,
  AssetIngested,
  AssetQuarantined,
  AssetScreened,
  SidecarParsed,
} from '../../events/catalog/asset-events';
import type { DataOf } from '../../events/catalog/define';
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
export function ingestEvents(facts: IngestFacts, newId: () => string, occurredAt: string): NewEvent[] {
  const { assetId } = facts;
  const events: NewEvent[] = [];
  const add = <T extends string, D>(type: T, data: D) => {
    const metadata: EventMetadata = {
      correlationId: assetId,
      causationId: events.at(-1)?.id ?? assetId,
      actor: `connector:${facts.network}`,
      occurredAt,
    };
    events.push({ id: newId(), type, data, metadata });
  };

  add<'AssetDetected', DataOf<typeof AssetDetected>>('AssetDetected', {
    assetId,
    sourceNetwork: facts.network,
    targets: facts.targets,
    originalName: facts.originalName,
    sizeBytes: facts.sizeBytes,
  });
  add<'AssetIngested', DataOf<typeof AssetIngested>>('AssetIngested', {
    assetId,
    stagedPath: facts.stagedPath,
    sizeBytes: facts.sizeBytes,
    sha256: facts.sha256,
  });

  const sidecar = facts.sidecar;
  if (sidecar?.ok) {
    add<'SidecarParsed', DataOf<typeof SidecarParsed>>('SidecarParsed', { assetId, sidecar: { ...sidecar.sidecar } });
  } else if (sidecar) {
    const { rule, reason, quarantinePath } = sidecar;
    add<'AssetScreened', DataOf<typeof AssetScreened>>('AssetScreened', {
      assetId,
      stage: 'sidecar',
      passed: false,
      rule,
      reason,
    });
    add<'AssetQuarantined', DataOf<typeof AssetQuarantined>>('AssetQuarantined', {
      assetId,
      stage: 'sidecar',
      rule,
      reason,
      quarantinePath,
    });
  }
  return events;
}
