import type { Pool } from 'pg';
import type { Sql } from '../../lib/db/sql';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import type { EventStore } from '../../events/store/event-store';
import { comparePhase, type Side, type SideResult } from './measure';
import type { BenchOptions } from './options';
import { batchSides, singleEventSides } from './phases';

/**
 * What each part of mx_append costs: copies of the function as migrated,
 * each with a part cut out or changed, measured through the real store
 * beside the raw INSERT in the same rotation. The copies live only in the
 * bench database; the gap between a copy and the full function is what that
 * part costs.
 */
interface Cut {
  what: string;
  /** Text to find in the migrated function and what replaces it. */
  from: RegExp;
  to: string;
}

const CUT = {
  lock: { what: 'advisory lock', from: /perform pg_advisory_xact_lock\([^;]*;/, to: '' },
  idempotency: { what: 'idempotency lookup', from: /select count\(\*\)::int,[\s\S]*?(?=select s\.version)/, to: '' },
  hash: { what: 'SHA-256 hash', from: /v_hash := mx_event_hash\([^;]*;/, to: `v_hash := '';` },
  streams: { what: 'mx_streams upsert', from: /insert into mx_streams[^;]*;/, to: '' },
  // Puts back what 423ec65 took out: the NOTIFY sent inside the append's transaction.
  notifyInside: {
    what: 'end of the loop',
    from: /(insert into mx_streams[^;]*;)/,
    to: `$1\n      perform pg_notify('mx_events', (v_pos - 1)::text);`,
  },
} satisfies Record<string, Cut>;

interface Variant {
  key: string;
  what: string;
  cuts: Cut[];
}

const VARIANTS: Variant[] = [
  { key: 'full', what: 'mx_append as migrated', cuts: [] },
  {
    key: 'notify_inside',
    what: 'with pg_notify inside the append again (as before 423ec65)',
    cuts: [CUT.notifyInside],
  },
  { key: 'no_lock', what: 'without the advisory lock', cuts: [CUT.lock] },
  { key: 'no_idem', what: 'without the idempotency lookup', cuts: [CUT.idempotency] },
  { key: 'no_hash', what: 'without the SHA-256 hash', cuts: [CUT.hash] },
  { key: 'no_streams', what: 'without the mx_streams upsert', cuts: [CUT.streams] },
  {
    key: 'bare',
    what: 'all parts cut (plpgsql loop + insert only)',
    cuts: [CUT.lock, CUT.idempotency, CUT.hash, CUT.streams],
  },
];

async function functionDef(pool: Pool, signature: string): Promise<string> {
  const { rows } = await pool.query<{ def: string }>(`select pg_get_functiondef($1::regprocedure) as def`, [signature]);
  return rows[0]!.def;
}

async function createVariants(pool: Pool): Promise<void> {
  const append = await functionDef(pool, 'mx_append(text,bigint,jsonb)');
  for (const v of VARIANTS) {
    let def = append.replace(/FUNCTION public\.mx_append\(/, `FUNCTION public.mx_append_${v.key}(`);
    for (const cut of v.cuts) {
      if (!cut.from.test(def))
        throw new Error(`profile: mx_append no longer has the ${cut.what} this variant cuts (${cut.from})`);
      def = def.replace(cut.from, cut.to);
    }
    await pool.query(def);
  }
}

/** The same Sql, calling the variant where the store calls mx_append. */
function callingVariant(sql: Sql, v: Variant): Sql {
  return {
    ...sql,
    kind: sql.kind,
    async query<R>(text: string, params?: unknown[]): Promise<R[]> {
      if (!text.includes('mx_append(')) return sql.query<R>(text, params);
      return sql.query<R>(text.replace('mx_append(', `mx_append_${v.key}(`), params);
    },
  };
}

const pct = (n: number) => `${Math.round(n * 100)}%`;
const cell = (r: SideResult, raw: SideResult) =>
  `${Math.round(r.rate).toLocaleString('en-US')} (${pct(r.rate / raw.rate)})`;

/** Every side after the first (the raw baseline) as one cell per workload. */
function table(title: string, workloads: string[], rows: string[], results: SideResult[][]): string {
  const header = `| ${title} | ${workloads.map((w) => `${w}: ev/s (of raw)`).join(' | ')} |`;
  const rule = `|---|${workloads.map(() => '---:').join('|')}|`;
  const lines = rows.map((label, i) => `| ${label} | ${results.map((w) => cell(w[i]!, w[0]!)).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}

/** Measures every variant on the three append workloads; returns a Markdown table. */
export async function runProfile(
  o: BenchOptions,
  { sql, pool, beforeRound }: { sql: Sql; pool: Pool; beforeRound: (() => Promise<void>) | undefined },
): Promise<string> {
  await createVariants(pool);
  const stores = VARIANTS.map((v) => createPostgresEventStore(callingVariant(sql, v)));
  const workloads: Array<{ title: string; events: number; sides: (store: EventStore) => Side[] }> = [
    { title: 'c=1', events: o.events, sides: (store) => singleEventSides({ store, pool }, 1) },
    {
      title: `c=${o.concurrency}`,
      events: o.events,
      sides: (store) => singleEventSides({ store, pool }, o.concurrency),
    },
    { title: 'batch 100', events: o.batchEvents, sides: (store) => batchSides({ store, pool }) },
  ];
  const appendResults: SideResult[][] = [];
  for (const w of workloads) {
    const sides = [w.sides(stores[0]!)[1]!, ...stores.map((s, i) => ({ ...w.sides(s)[0]!, name: VARIANTS[i]!.key }))];
    // Half the main phase's events per side: there are eight sides here.
    const perRound = Math.max(100, Math.floor(w.events / 2 / o.rounds / 100) * 100);
    appendResults.push(
      await comparePhase({
        title: `profile ${w.title}`,
        sides,
        rounds: o.rounds,
        perRound,
        warmup: o.warmup,
        beforeRound,
      }),
    );
  }

  return [
    'Profile of mx_append: each variant cuts or changes one part (same rotation as above)',
    '',
    table(
      'mx_append variant',
      workloads.map((w) => w.title),
      ['raw INSERT', ...VARIANTS.map((v) => `${v.key}: ${v.what}`)],
      appendResults,
    ),
  ].join('\n');
}
