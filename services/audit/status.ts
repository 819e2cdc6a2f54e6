import { relayHolder } from '../../events/backbone/relay';
import type { Sql } from '../../lib/db/sql';
import type { ProjectionRunner } from '../../events/projections';
import type { EventStore } from '../../events/store/event-store';
import { createAssetQueries } from '../screening/read-model/queries';

export interface HubStatus {
  store: { kind: string; headPosition: string; events: number };
  /**
   * `active`: this process's relay holds the lock; read directly from the store, whether any session on the
   * server holds it (`heldBy` its backend pid), or null when that cannot be known.
   */
  relay: { active: boolean | null; position: string; healthy: boolean | null; lastError?: string; heldBy?: number };
  projections: Array<{ name: string; position: string; lagEvents: number; lagSeconds: number }>;
  checkpoints: { count: number; lastPosition: string | null };
  /** Assets by state (detected, screening, cleared, quarantined...), from the assets read model. */
  assets: Record<string, number>;
}

/** Whether some hub's relay runs, from PostgreSQL's lock table (null where it cannot be read). */
async function relayFromLocks(sql: Sql): Promise<{ active: boolean | null; heldBy?: number }> {
  try {
    const pid = await relayHolder(sql);
    return pid === null ? { active: false } : { active: true, heldBy: pid };
  } catch {
    return { active: null };
  }
}

/**
 * What `mxhub status` and `GET /v1/status` report. `relay` comes from the
 * live relay when this process runs one, else from its checkpoint row and
 * the holder of its advisory lock.
 */
export async function readStatus(deps: {
  sql: Sql;
  store: EventStore;
  projections: ProjectionRunner;
  relay?: { status(): { active: boolean; position: bigint; healthy: boolean; lastError?: string } };
}): Promise<HubStatus> {
  const { sql } = deps;
  const [counts] = await sql.query<{ n: number }>('select count(*)::int as n from mx_events');
  const [relayRow] = await sql.query<{ position: string }>(
    `select position::text as position from mx_checkpoints where name = 'relay'`,
  );
  const [cp] = await sql.query<{ n: number; p: string | null }>(
    'select count(*)::int as n, max(position)::text as p from mx_log_checkpoints',
  );
  const live = deps.relay?.status();
  return {
    store: { kind: sql.kind, headPosition: (await deps.store.headPosition()).toString(), events: counts?.n ?? 0 },
    relay: live
      ? {
          active: live.active,
          position: live.position.toString(),
          healthy: live.healthy,
          ...(live.lastError ? { lastError: live.lastError } : {}),
        }
      : { ...(await relayFromLocks(sql)), position: relayRow?.position ?? '0', healthy: null },
    projections: (await deps.projections.status()).map((s) => ({
      ...s,
      position: s.position.toString(),
      lagSeconds: Math.round(s.lagSeconds * 10) / 10,
    })),
    checkpoints: { count: cp?.n ?? 0, lastPosition: cp?.p ?? null },
    assets: await createAssetQueries(sql).countByState(),
  };
}
