import type { Sql } from '../../../../lib/db/sql';
import { NotFoundError } from '../../../../lib/errors';
import { isoText as iso, keysetPage, sqlParams, type KeysetPageQuery, type Paged } from '../../../../lib/keyset-cursor';
import type { SubscriptionRule } from '../domain/rule';

// Microseconds, so two times of the read model compare as text in the order they compare in SQL.
const micros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** One subscription as `rm_subscriptions` holds it, in the API's camelCase. */
export interface SubscriptionItem extends SubscriptionRule {
  id: string;
  enabled: boolean;
  /** Assets this subscription took so far. */
  matches: number;
  lastMatchedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Version of the subscription stream the row reflects (send it as If-Match). */
  version: number;
}

export interface SubscriptionListQuery extends KeysetPageQuery {
  /** Subscriptions of this (receiving) network. */
  network?: string;
  enabled?: boolean;
}

interface Row {
  id: string;
  rule: SubscriptionRule;
  enabled: boolean;
  matches: number;
  lastMatchedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const COLUMNS = `subscription_id as id, rule, enabled, matches, ${iso('last_matched_at')} as "lastMatchedAt",
  created_by as "createdBy", ${iso('created_at')} as "createdAt", ${iso('updated_at')} as "updatedAt", version`;

// Field by field: a keyset page's rows also carry its cursor columns.
const item = (r: Row): SubscriptionItem => ({
  id: r.id,
  ...r.rule,
  enabled: r.enabled,
  matches: r.matches,
  lastMatchedAt: r.lastMatchedAt,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  version: r.version,
});

/** Reads of the subscriptions read model, and the cleared assets a backfill walks. */
export function createSubscriptionQueries(sql: Sql) {
  return {
    /** Newest first, `{items, next}`. */
    async list(query: SubscriptionListQuery = {}): Promise<Paged<SubscriptionItem>> {
      const params = sqlParams();
      const where: string[] = [];
      if (query.network !== undefined) where.push(`network = ${params.param(query.network)}`);
      if (query.enabled !== undefined) where.push(`enabled = ${params.param(query.enabled)}`);
      const page = await keysetPage<Row>(
        sql,
        { table: 'rm_subscriptions', columns: COLUMNS, idColumn: 'subscription_id', where, params },
        query,
      );
      return { items: page.items.map(item), next: page.next };
    },

    async get(id: string): Promise<SubscriptionItem> {
      const [row] = await sql.query<Row>(`select ${COLUMNS} from rm_subscriptions where subscription_id = $1`, [id]);
      if (!row) throw new NotFoundError(`subscription ${id} does not exist`);
      return item(row);
    },

    /** The enabled subscriptions' rules, oldest first: what a cleared asset is matched against. */
    async enabled(): Promise<Array<{ id: string; rule: SubscriptionRule; createdAt: string }>> {
      return sql.query(
        `select subscription_id as id, rule, ${micros('created_at')} as "createdAt"
           from rm_subscriptions where enabled order by created_at, subscription_id`,
      );
    },

    /**
     * Assets cleared since `since` that an enabled subscription made before
     * their clearance may have missed (a sweep after a crash), oldest first.
     */
    async clearedUnderSubscriptions(since: string): Promise<Array<{ assetId: string; clearedAt: string }>> {
      return sql.query(
        `select c.asset_id as "assetId", ${micros('c.cleared_at')} as "clearedAt" from rm_cleared_assets c
          where c.cleared_at >= $1::timestamptz
            and exists (select 1 from rm_subscriptions s where s.enabled and s.created_at <= c.cleared_at)
          order by c.cleared_at, c.asset_id`,
        [since],
      );
    },

    /**
     * Assets cleared at or after `since`, oldest first, a page at a time
     * after (`clearedAt`, `assetId`) of the previous page's last.
     */
    async clearedSince(
      since: string,
      after: { clearedAt: string; assetId: string } | undefined,
      limit: number,
    ): Promise<Array<{ assetId: string; clearedAt: string }>> {
      const params = sqlParams();
      const where = [`cleared_at >= ${params.param(since)}::timestamptz`];
      if (after) {
        where.push(
          `(cleared_at, asset_id) > (${params.param(after.clearedAt)}::timestamptz, ${params.param(after.assetId)})`,
        );
      }
      return sql.query(
        `select asset_id as "assetId", ${micros('cleared_at')} as "clearedAt"
           from rm_cleared_assets where ${where.join(' and ')}
          order by cleared_at, asset_id limit ${params.param(limit)}`,
        params.values,
      );
    },
  };
}

export type SubscriptionQueries = ReturnType<typeof createSubscriptionQueries>;
