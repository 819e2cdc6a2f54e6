import { isAssetEvent, isMediaEvent, isReplicaEvent, type AssetEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import type { StoredEvent } from '../../../events/envelope';
import { at, type Projection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';
import { mediaTypeOf, paired, programmeOf, searchText } from './entry';

type Json = Record<string, unknown>;

interface Row {
  original_name: string;
  source_network: string;
  metadata: Json;
  technical: Json | null;
  last_position: string;
}

/** The row's derived columns (title, programme, type, search text) from its facts. */
function derived(row: Pick<Row, 'original_name' | 'source_network' | 'metadata' | 'technical'>) {
  const { metadata, technical } = row;
  return {
    title: typeof metadata.title === 'string' ? metadata.title : null,
    programme: programmeOf(metadata),
    mediaType: mediaTypeOf(technical),
    search: searchText({ originalName: row.original_name, sourceNetwork: row.source_network, metadata, technical }),
  };
}

/** Rewrites the facts search looks in (in `row` too), and what is derived from them. */
async function setFacts(tx: Sql, e: StoredEvent, row: Row, facts: { metadata?: Json; technical?: Json }) {
  const next = Object.assign(row, facts);
  const d = derived(next);
  await tx.query(
    `update rm_catalog set metadata = $2::jsonb, technical = $3::jsonb, title = $4, programme = $5, media_type = $6,
            search_text = $7, search_pairs = $8 where asset_id = $1`,
    [
      e.streamId.slice('asset-'.length),
      JSON.stringify(next.metadata),
      next.technical && JSON.stringify(next.technical),
      d.title,
      d.programme,
      d.mediaType,
      d.search,
      paired(d.search),
    ],
  );
}

/** The asset's networks: where it was dropped and every network still holding a copy. */
async function setNetworks(tx: Sql, assetId: string): Promise<void> {
  await tx.query(
    `update rm_catalog c set networks = array(
       select distinct n from (select c.source_network as n
                               union all select network from rm_catalog_replicas r where r.asset_id = c.asset_id) x
        order by n)
      where c.asset_id = $1`,
    [assetId],
  );
}

async function applyAsset(tx: Sql, e: Stored<AssetEvent>, row: Row): Promise<void> {
  const set = (columns: string, params: unknown[] = []) =>
    tx.query(`update rm_catalog set ${columns} where asset_id = $1`, [e.data.assetId, ...params]);
  switch (e.type) {
    case 'SidecarParsed':
      return setFacts(tx, e, row, { metadata: e.data.sidecar });
    case 'MetadataChanged':
      return setFacts(tx, e, row, { metadata: e.data.after });
    case 'AssetScreened':
      if (e.data.technical) await setFacts(tx, e, row, { technical: e.data.technical });
      return;
    case 'AssetCleared':
      await set(`state = 'cleared', cleared_at = $2`, [at(e)]);
      return;
    case 'AssetQuarantined':
      await set(`state = 'quarantined'`);
      return;
    case 'AssetReleased':
      // An override is followed by AssetCleared in the same append; a rescreen screens again.
      if (e.data.mode === 'rescreen') await set(`state = 'screening', cleared_at = null`);
      return;
    case 'AssetDeleted':
      await set(`state = 'deleted'`);
      return;
    case 'ReplicaStored':
      await tx.query(`insert into rm_catalog_replicas values ($1, $2, $3) on conflict do nothing`, [
        e.data.assetId,
        e.data.network,
        e.data.path,
      ]);
      return setNetworks(tx, e.data.assetId);
    default:
      return;
  }
}

async function insertDetected(tx: Sql, e: Stored<Extract<AssetEvent, { type: 'AssetDetected' }>>) {
  const d = e.data;
  const facts = { original_name: d.originalName, source_network: d.sourceNetwork, metadata: {}, technical: null };
  const search = derived(facts).search;
  await tx.query(
    `insert into rm_catalog (asset_id, original_name, source_network, networks, media_type, state, created_at,
                             metadata, search_text, search_pairs, version, last_position)
     values ($1, $2, $3, array[$3]::text[], 'other', 'screening', $4, '{}', $5, $6, $7, $8)
     on conflict (asset_id) do nothing`,
    [d.assetId, d.originalName, d.sourceNetwork, at(e), search, paired(search), e.version, e.position.toString()],
  );
}

/** What an event of an asset stream does to its row, given the row as the events before it left it. */
async function applyToRow(tx: Sql, e: StoredEvent, assetId: string, row: Row): Promise<void> {
  if (isAssetEvent(e)) await applyAsset(tx, e, row);
  else if (isReplicaEvent(e) && e.type === 'ReplicaEvicted') {
    await tx.query(`delete from rm_catalog_replicas where asset_id = $1 and network = $2 and path = $3`, [
      e.data.assetId,
      e.data.network,
      e.data.path,
    ]);
    await setNetworks(tx, assetId);
  } else if (isMediaEvent(e) && e.type === 'ProxyCreated' && (e.data.kind === 'poster' || e.data.kind === 'thumbnail'))
    await tx.query(`update rm_catalog set has_poster = true where asset_id = $1`, [assetId]);
}

/**
 * The catalog's read model (writer): one row per asset with what search and
 * the tree show. It reads every event of the asset streams, even those it
 * draws nothing from (reads, usage marks), so `version` is the stream's own
 * and can go back as `If-Match` on a metadata edit. Idempotent: a row moves
 * only for an event past its `last_position`. A batch reads each asset's row
 * once and moves its version once, however many of its events it holds.
 */
export const catalogProjection: Projection = {
  name: 'catalog',
  tables: [
    { name: 'rm_catalog', key: ['asset_id'] },
    { name: 'rm_catalog_replicas', key: ['asset_id', 'network', 'path'] },
  ],
  handles: 'all',
  apply: (tx, e) => applyCatalog(tx, [e]),
  applyMany: applyCatalog,
};

async function applyCatalog(tx: Sql, events: StoredEvent[]): Promise<void> {
  // Each asset's row as this batch left it (null: none yet), and the last event applied to it.
  const rows = new Map<string, Row | null>();
  const moved = new Map<string, StoredEvent>();
  for (const e of events) {
    if (!e.streamId.startsWith('asset-')) continue;
    const assetId = e.streamId.slice('asset-'.length);
    if (isAssetEvent(e) && e.type === 'AssetDetected') {
      await insertDetected(tx, e);
      rows.delete(assetId);
      continue;
    }
    let row = rows.get(assetId);
    if (row === undefined) {
      [row] = await tx.query<Row>(
        `select original_name, source_network, metadata, technical, last_position::text as last_position
           from rm_catalog where asset_id = $1 for update`,
        [assetId],
      );
      rows.set(assetId, row ?? null);
    }
    if (!row || BigInt(row.last_position) >= e.position) continue;
    await applyToRow(tx, e, assetId, row);
    row.last_position = e.position.toString();
    moved.set(assetId, e);
  }
  for (const [assetId, e] of moved)
    await tx.query(`update rm_catalog set version = greatest(version, $2), last_position = $3 where asset_id = $1`, [
      assetId,
      e.version,
      e.position.toString(),
    ]);
}
