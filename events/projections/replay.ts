import type { Sql } from '../../lib/db/sql';
import type { EventStore } from '../store/event-store';
import type { Projection } from './projection';
import { applyBatch } from './runner';

const REPLAY_SCHEMA = 'mx_replay';

export interface TableDifference {
  table: string;
  /** Rows in the live table that the replay did not produce (or produced differently). */
  onlyLive: number;
  /** Rows the replay produced that the live table lacks (or has differently). */
  onlyReplay: number;
  /** Up to 5 keys of differing rows, for the report. */
  sampleKeys: string[];
}

export interface ReplayReport {
  events: number;
  tables: TableDifference[];
  equal: boolean;
}

/**
 * Rebuilds every read model from the log into fresh tables of schema
 * `mx_replay`, each projection up to the position its live tables have
 * reached, then compares replayed and live rows table by table.
 */
export async function replayAndCompare(
  deps: { sql: Sql; store: EventStore; projections: Projection[] },
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ReplayReport> {
  const { sql, store, projections } = deps;
  await sql.query(`drop schema if exists ${REPLAY_SCHEMA} cascade`);
  await sql.query(`create schema ${REPLAY_SCHEMA}`);
  for (const p of projections) {
    for (const t of p.tables)
      await sql.query(`create table ${REPLAY_SCHEMA}.${t.name} (like public.${t.name} including all)`);
  }
  const targets = new Map<string, bigint>();
  for (const p of projections) {
    const [row] = await sql.query<{ position: string }>(
      'select position::text as position from mx_checkpoints where name = $1',
      [`projection:${p.name}`],
    );
    targets.set(p.name, BigInt(row?.position ?? '0'));
  }
  const until = [...targets.values()].reduce((a, b) => (a > b ? a : b), 0n);
  const [count] = await sql.query<{ n: number }>('select count(*)::int as n from mx_events where position <= $1', [
    until.toString(),
  ]);
  const total = count?.n ?? 0;

  let after = 0n;
  let done = 0;
  for (;;) {
    const batch = (await store.readAll({ after, limit: 1000 })).filter((e) => e.position <= until);
    if (batch.length === 0) break;
    await sql.transaction(async (tx) => {
      for (const p of projections) {
        const mine = batch.filter((e) => e.position <= targets.get(p.name)!);
        if (mine.length) await applyBatch(tx, p, mine, REPLAY_SCHEMA);
      }
    });
    after = batch[batch.length - 1]!.position;
    done += batch.length;
    onProgress(done, total);
  }

  const tables: TableDifference[] = [];
  for (const p of projections) {
    for (const t of p.tables) {
      const keyExpr = t.key.map((k) => `${k}::text`).join(` || '/' || `);
      const diff = async (a: string, b: string) =>
        sql.query<{ k: string }>(`select ${keyExpr} as k from (select * from ${a} except all select * from ${b}) d`);
      const live = `public.${t.name}`;
      const replayed = `${REPLAY_SCHEMA}.${t.name}`;
      const onlyLive = await diff(live, replayed);
      const onlyReplay = await diff(replayed, live);
      const sampleKeys = [...new Set([...onlyLive, ...onlyReplay].map((r) => r.k))].slice(0, 5);
      tables.push({ table: t.name, onlyLive: onlyLive.length, onlyReplay: onlyReplay.length, sampleKeys });
    }
  }
  return { events: done, tables, equal: tables.every((t) => t.onlyLive === 0 && t.onlyReplay === 0) };
}
