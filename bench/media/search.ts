// Catalog search on 100,000 assets with sidecar metadata (issue 14, bench/media): GET /v1/assets's query
// (createCatalogQueries().search, what the route runs) against the same SQL text and parameters sent raw
// (a `pg` Client on PostgreSQL, PGlite's own `query` embedded), in the same process and run.
//
//   node bin/run-ts.js bench/media/search.ts [--assets 100000] [--rounds 30] [--profile both|postgres|pglite]
//
// Set-up inserts rows straight into the read models (rm_catalog, built with the projection's own
// searchText/programmeOf/mediaTypeOf, and rm_assets, which the list joins), with the trigram index
// built after the load (the same index the migration makes), then ANALYZE. Each round runs every query
// once per side, alternating which side goes first. PostgreSQL: MXHUB_BENCH_DATABASE_URL (default the
// test server), a random database dropped afterwards.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPgSql } from '../../lib/db/adapters/pg';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import type { Sql } from '../../lib/db/sql';
import { migrateLatest } from '../../migrations/run';
import { createCatalogQueries } from '../../services/catalog/read-model/queries';
import type { CatalogQuery } from '../../services/catalog/read-model/search-query';
import { seedCatalog } from './search-seed';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const ASSETS = Number(arg('assets', '100000'));
const ROUNDS = Number(arg('rounds', '30'));
const PROFILE = arg('profile', 'both');
const PG_URL = process.env.MXHUB_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The searches a newsroom runs: [label, query, browse scope]. */
const SEARCHES: Array<[string, CatalogQuery, string[]?]> = [
  ['q reporter (3 chars)', { q: '王建华' }],
  ['q programme (4 chars)', { q: '民生新闻' }],
  ['q keyword (2 chars)', { q: '交通' }],
  ['q one issue (6 chars)', { q: '第12345期' }],
  ['q two words', { q: '财经 股市' }],
  ['q codec', { q: 'prores' }],
  ['q no match', { q: '不存在的词' }],
  ['program=', { program: '天气预报' }],
  ['browse newest', {}],
  ['network+type+from', { network: 'archive', type: 'audio', from: '2026-06-01' }],
  ['scoped viewer, q 2 chars', { q: '新闻' }, ['news']],
];

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => n.toFixed(2);

async function measure(name: string, sql: Sql, raw: (text: string, params: unknown[]) => Promise<unknown>) {
  let last: { text: string; params: unknown[] } | undefined;
  const recording: Sql = { ...sql, query: (text, params = []) => ((last = { text, params }), sql.query(text, params)) };
  const queries = createCatalogQueries(recording);
  const ours = new Map<string, number[]>();
  const base = new Map<string, number[]>();
  const time = async (into: Map<string, number[]>, label: string, fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    const list = into.get(label) ?? [];
    list.push(Number(process.hrtime.bigint() - t) / 1e6);
    into.set(label, list);
  };
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [label, query, scope] of SEARCHES) {
      const warm = round === 0;
      const run = async () => {
        await time(warm ? new Map() : ours, label, () => queries.search(query, scope));
        const { text, params } = last!;
        await time(warm ? new Map() : base, label, () => raw(text, params));
      };
      const runRaw = async () => {
        await queries.search(query, scope);
        const { text, params } = last!;
        await time(warm ? new Map() : base, label, () => raw(text, params));
        await time(warm ? new Map() : ours, label, () => queries.search(query, scope));
      };
      await (round % 2 === 0 ? run() : runRaw());
    }
  }
  const all = (m: Map<string, number[]>) => [...m.values()].flat();
  console.log(`\n${name}: ${ASSETS} assets, ${ROUNDS} rounds; ms (p50 / p99), search vs raw SQL`);
  for (const [label] of SEARCHES) {
    const o = ours.get(label)!;
    const b = base.get(label)!;
    console.log(
      `  ${label.padEnd(26)} ${ms(pct(o, 50))} / ${ms(pct(o, 99))}   raw ${ms(pct(b, 50))} / ${ms(pct(b, 99))}`,
    );
  }
  const o = all(ours);
  const b = all(base);
  console.log(
    `  ${'all searches'.padEnd(26)} ${ms(pct(o, 50))} / ${ms(pct(o, 99))}   raw ${ms(pct(b, 50))} / ${ms(pct(b, 99))}` +
      `   ratio p50 ${(pct(o, 50) / pct(b, 50)).toFixed(2)}, p99 ${(pct(o, 99) / pct(b, 99)).toFixed(2)}`,
  );
}

async function postgres(): Promise<void> {
  const name = `mx_bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = PG_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const sql = createPgSql({ connectionString: url });
  const client = new Client({ connectionString: url });
  try {
    await migrateLatest(sql);
    console.log(`postgres: seeded in ${await seedCatalog(sql, ASSETS)} s`);
    await client.connect();
    await measure('production (PostgreSQL)', sql, (text, params) => client.query(text, params));
  } finally {
    await client.end().catch(() => undefined);
    await sql.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function pglite(): Promise<void> {
  const sql = await createPGliteSql();
  try {
    await migrateLatest(sql);
    console.log(`pglite: seeded in ${await seedCatalog(sql, ASSETS)} s`);
    await measure('embedded (PGlite)', sql, (text, params) => sql.db.query(text, params));
  } finally {
    await sql.close();
  }
}

async function main(): Promise<void> {
  if (PROFILE !== 'pglite') await postgres();
  if (PROFILE !== 'postgres') await pglite();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
