import type { AssetEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';
import { applyDelivery, DELIVERY_EVENT_TYPES, recomputeDelivery, type DeliveryEvent } from './deliveries';

/** Updates one asset row unless it has seen this position already (idempotent). */
async function update(tx: Sql, e: Stored<AssetEvent>, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_assets set ${set}, updated_at = $2, version = $3, last_position = $4
      where asset_id = $1 and last_position < $4`,
    [e.data.assetId, at(e), e.version, e.position.toString(), ...params],
  );
}

/**
 * Screening's read model (writer): each asset's state, verdicts, metadata,
 * quarantine facts, and its transfers (replicas are the store's). The transfer events are
 * applied here, in the same log order as the asset's own, so `AssetCleared`
 * can never land after (and undo) the delivery it led to.
 */
export const assetsProjection = defineProjection<AssetEvent | DeliveryEvent>({
  name: 'assets',
  tables: [
    { name: 'rm_assets', key: ['asset_id'] },
    { name: 'rm_asset_transfers', key: ['transfer_id'] },
  ],
  handles: [
    'AssetDetected',
    'AssetIngested',
    'SidecarParsed',
    'AssetScreened',
    'ScreeningDeferred',
    'AssetRefused',
    'AssetCleared',
    'AssetQuarantined',
    'AssetReleased',
    'AssetDeleted',
    'MetadataChanged',
    'ReplicaStored',
    ...DELIVERY_EVENT_TYPES,
  ],
  async apply(tx, e) {
    switch (e.type) {
      case 'TransferRequested':
      case 'TransferCompleted':
      case 'TransferFailed':
      case 'TransferCancelled':
      case 'TransferRetried':
      case 'TransferResumed':
        return applyDelivery(tx, e);
      case 'AssetDetected': {
        const d = e.data;
        await tx.query(
          `insert into rm_assets (asset_id, state, source_network, targets, original_name, size_bytes,
                                  created_at, updated_at, version, last_position)
           values ($1, 'detected', $2, $3::jsonb, $4, $5, $6, $6, $7, $8) on conflict (asset_id) do nothing`,
          [
            d.assetId,
            d.sourceNetwork,
            JSON.stringify(d.targets),
            d.originalName,
            d.sizeBytes,
            at(e),
            e.version,
            e.position.toString(),
          ],
        );
        return;
      }
      case 'AssetIngested':
        return update(tx, e, `state = 'ingested', sha256 = $5, size_bytes = $6`, [e.data.sha256, e.data.sizeBytes]);
      case 'SidecarParsed':
        return update(tx, e, `sidecar = $5::jsonb`, [JSON.stringify(e.data.sidecar)]);
      case 'AssetScreened': {
        const d = e.data;
        const verdict = {
          stage: d.stage,
          passed: d.passed,
          rule: d.rule,
          reason: d.reason,
          engines: d.engines,
          at: at(e),
        };
        // Analysis says which targets get a rendition; which are refused is said once the asset clears.
        const renditions = Object.entries(d.targetOutcomes ?? {}).flatMap(([target, o]) =>
          o.outcome === 'transcode' ? [{ target, profile: o.profile }] : [],
        );
        return update(
          tx,
          e,
          `state = 'screening', verdicts = verdicts || $5::jsonb, technical = coalesce($6::jsonb, technical),
           deferred = null, renditions = case when $7::boolean then $8::jsonb else renditions end`,
          [
            JSON.stringify([verdict]),
            d.technical ? JSON.stringify(d.technical) : null,
            d.targetOutcomes !== undefined,
            JSON.stringify(renditions),
          ],
        );
      }
      case 'AssetRefused': {
        const { target, rule, reason } = e.data;
        return update(tx, e, `refused = refused || $5::jsonb`, [JSON.stringify([{ target, rule, reason, at: at(e) }])]);
      }
      case 'ScreeningDeferred': {
        const d = e.data;
        const deferred = { stage: d.stage, reason: d.reason, retryInMs: d.retryInMs, at: at(e) };
        return update(tx, e, `state = 'screening', deferred = $5::jsonb`, [JSON.stringify(deferred)]);
      }
      case 'AssetCleared':
        await update(tx, e, `state = 'cleared', quarantine = null, deferred = null`);
        // A pool asset (no targets), or one every target refused, is cleared and stays so: nothing is to be delivered.
        if (e.data.targets.length === 0) return;
        return recomputeDelivery(tx, e.data.assetId, at(e));
      case 'AssetQuarantined': {
        const d = e.data;
        const q = { stage: d.stage, rule: d.rule, reason: d.reason, path: d.quarantinePath, at: at(e) };
        return update(tx, e, `state = 'quarantined', quarantine = $5::jsonb`, [JSON.stringify(q)]);
      }
      case 'AssetReleased':
        // A rescreen judges the formats afresh: the renditions analysis asked for go with the old round.
        return update(
          tx,
          e,
          `state = case when $5 = 'override' then 'cleared' else 'released' end,
           renditions = case when $5 = 'rescreen' then '[]'::jsonb else renditions end`,
          [e.data.mode],
        );
      case 'AssetDeleted':
        return update(tx, e, `state = 'deleted'`);
      // The sidecar as last edited, and every event's version: `version` is what a PATCH sends as If-Match.
      case 'MetadataChanged':
        return update(tx, e, `sidecar = $5::jsonb`, [JSON.stringify(e.data.after)]);
      case 'ReplicaStored':
        return update(tx, e, `sidecar = sidecar`);
    }
  },
});
