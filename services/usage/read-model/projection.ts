import type { AssetEvent } from '../../../events/catalog/asset-events';
import type { PickEvent, UsageEvent } from '../../../events/catalog/pick-events';
import type { ReplicaEvent } from '../../../events/catalog/replica-events';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

type Handled =
  | Exclude<PickEvent, { type: 'PickSendAnswered' }>
  | UsageEvent
  | Extract<ReplicaEvent, { type: 'FetchRequested' | 'AssetRead' }>
  | Extract<AssetEvent, { type: 'AssetDetected' | 'ReplicaStored' }>;

export type MarkKind = 'hand' | 'fetch' | 'download' | 'pick';

interface Mark {
  markId: string;
  assetId: string;
  kind: MarkKind;
  network?: string;
  department?: string;
  program?: string;
  where?: string;
  note?: string;
}

/** One mark per event (per item for a pick send): a replayed event finds its mark there and adds nothing. */
async function insertMark(tx: Sql, e: Stored<Handled>, m: Mark): Promise<void> {
  await tx.query(
    `insert into rm_usage_marks (mark_id, asset_id, kind, actor, department, program, where_used, note, network,
                                 source_event_id, created_at, position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict (mark_id) do nothing`,
    [
      m.markId,
      m.assetId,
      m.kind,
      e.metadata.actor,
      m.department ?? null,
      m.program ?? null,
      m.where ?? null,
      m.note ?? null,
      m.network ?? null,
      e.id,
      at(e),
      e.position.toString(),
    ],
  );
}

async function updatePick(tx: Sql, e: Stored<PickEvent>, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_picks set ${set}, updated_at = $2, last_position = $3, version = $4
      where pick_id = $1 and last_position < $3`,
    [e.data.pickId, at(e), e.position.toString(), e.version, ...params],
  );
}

async function addNetwork(tx: Sql, assetId: string, network: string): Promise<void> {
  await tx.query('insert into rm_usage_asset_networks (asset_id, network) values ($1, $2) on conflict do nothing', [
    assetId,
    network,
  ]);
}

/**
 * Picks as their owners list them, and usage marks: by hand (`AssetUsed`),
 * by a fetch (`FetchRequested`), by a download (an `AssetRead` of the whole
 * file or from its first byte: a player's later range reads are the same
 * viewing, not more uses) and by a pick send (one per item). A fetch that a
 * pick send caused is that send's mark already, so it adds none. Each
 * asset's name and networks (origin and every replica) let the report name
 * assets and keep to what a scoped caller may see.
 */
export const usageProjection = defineProjection<Handled>({
  name: 'usage',
  tables: [
    { name: 'rm_picks', key: ['pick_id'] },
    { name: 'rm_usage_marks', key: ['mark_id'] },
    { name: 'rm_usage_assets', key: ['asset_id'] },
    { name: 'rm_usage_asset_networks', key: ['asset_id', 'network'] },
  ],
  handles: [
    'PickCreated',
    'PickRenamed',
    'PickItemAdded',
    'PickItemRemoved',
    'PickDeleted',
    'PickSent',
    'AssetUsed',
    'FetchRequested',
    'AssetRead',
    'AssetDetected',
    'ReplicaStored',
  ],
  async apply(tx, e) {
    switch (e.type) {
      case 'PickCreated':
        await tx.query(
          `insert into rm_picks (pick_id, owner, name, created_at, updated_at, version, last_position)
           values ($1, $2, $3, $4, $4, $5, $6) on conflict (pick_id) do nothing`,
          [e.data.pickId, e.data.owner, e.data.name, at(e), e.version, e.position.toString()],
        );
        return;
      case 'PickRenamed':
        return updatePick(tx, e, 'name = $5', [e.data.name]);
      case 'PickItemAdded':
        return updatePick(tx, e, 'items = items + 1');
      case 'PickItemRemoved':
        return updatePick(tx, e, 'items = items - 1');
      case 'PickDeleted':
        await tx.query('delete from rm_picks where pick_id = $1', [e.data.pickId]);
        return;
      case 'PickSent': {
        await updatePick(tx, e, 'sends = sends + 1, last_sent_at = $2');
        const { network, assetIds } = e.data;
        for (const assetId of assetIds)
          await insertMark(tx, e, { markId: `${e.id}:${assetId}`, assetId, kind: 'pick', network });
        return;
      }
      case 'AssetUsed': {
        const { assetId, department, program, where, note } = e.data;
        return insertMark(tx, e, {
          markId: e.id,
          assetId,
          kind: 'hand',
          department,
          program,
          where,
          ...(note ? { note } : {}),
        });
      }
      case 'FetchRequested': {
        const [fromPick] = await tx.query(
          'select 1 from rm_usage_marks where source_event_id = $1 and asset_id = $2 limit 1',
          [e.metadata.causationId, e.data.assetId],
        );
        if (fromPick) return;
        return insertMark(tx, e, { markId: e.id, assetId: e.data.assetId, kind: 'fetch', network: e.data.network });
      }
      case 'AssetRead': {
        const { assetId, range, network, forNetwork } = e.data;
        if (range && range.start > 0) return;
        return insertMark(tx, e, { markId: e.id, assetId, kind: 'download', network: forNetwork ?? network });
      }
      case 'AssetDetected':
        await tx.query(
          `insert into rm_usage_assets (asset_id, original_name, source_network) values ($1, $2, $3)
           on conflict (asset_id) do nothing`,
          [e.data.assetId, e.data.originalName, e.data.sourceNetwork],
        );
        return addNetwork(tx, e.data.assetId, e.data.sourceNetwork);
      case 'ReplicaStored':
        return addNetwork(tx, e.data.assetId, e.data.network);
    }
  },
});
