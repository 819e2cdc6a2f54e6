import type { Sql } from '../../../lib/db/sql';
import { isoText as iso, keysetPage, sqlParams, type KeysetPageQuery, type Paged } from '../../../lib/keyset-cursor';
import type { MarkKind } from './projection';

/** One pick as `rm_picks` holds it. */
export interface PickItem {
  id: string;
  owner: string;
  name: string;
  /** Assets in it now. */
  items: number;
  sends: number;
  lastSentAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One usage mark, newest first in an asset's list. */
export interface UsageMark {
  id: string;
  assetId: string;
  kind: MarkKind;
  /** Who: the actor of the event (`user:<name>`, `connector:<network>`). */
  actor: string;
  at: string;
  network: string | null;
  department: string | null;
  program: string | null;
  where: string | null;
  note: string | null;
}

const PICK_COLUMNS = `pick_id as id, owner, name, items, sends, ${iso('last_sent_at')} as "lastSentAt",
  ${iso('created_at')} as "createdAt", ${iso('updated_at')} as "updatedAt", version`;

const MARK_COLUMNS = `mark_id as id, asset_id as "assetId", kind, actor, ${iso('created_at')} as "at", network,
  department, program, where_used as "where", note`;

// Field by field: a keyset page's rows also carry its cursor columns.
const pick = (r: PickItem): PickItem => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  items: r.items,
  sends: r.sends,
  lastSentAt: r.lastSentAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  version: r.version,
});

const mark = (r: UsageMark): UsageMark => ({
  id: r.id,
  assetId: r.assetId,
  kind: r.kind,
  actor: r.actor,
  at: r.at,
  network: r.network,
  department: r.department,
  program: r.program,
  where: r.where,
  note: r.note,
});

/** Reads of the usage read model: picks and an asset's marks (the report has its own module). */
export function createUsageQueries(sql: Sql) {
  return {
    /** Newest first; `owner` absent lists every user's (admins only: the route decides). */
    async picks(query: KeysetPageQuery & { owner?: string }): Promise<Paged<PickItem>> {
      const params = sqlParams();
      const where = query.owner === undefined ? [] : [`owner = ${params.param(query.owner)}`];
      const page = await keysetPage<PickItem>(
        sql,
        { table: 'rm_picks', columns: PICK_COLUMNS, idColumn: 'pick_id', where, params },
        query,
      );
      return { items: page.items.map(pick), next: page.next };
    },

    /** The asset's marks, newest first. */
    async marks(assetId: string, query: KeysetPageQuery & { kind?: MarkKind }): Promise<Paged<UsageMark>> {
      const params = sqlParams();
      const where = [`asset_id = ${params.param(assetId)}`];
      if (query.kind !== undefined) where.push(`kind = ${params.param(query.kind)}`);
      const page = await keysetPage<UsageMark>(
        sql,
        { table: 'rm_usage_marks', columns: MARK_COLUMNS, idColumn: 'mark_id', where, params },
        query,
      );
      return { items: page.items.map(mark), next: page.next };
    },
  };
}

export type UsageQueries = ReturnType<typeof createUsageQueries>;
