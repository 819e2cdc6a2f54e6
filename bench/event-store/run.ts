// Event store throughput beside raw `pg` INSERTs into a copy of its table, in
// the same run on the same database; the ratio store/raw is the figure that
// counts (the absolute rates depend on the disk and whatever else runs).
//
//   node bin/run-ts.js bench/event-store/run.ts [--events 4000] [--batch-events 30000] [--seed 50000] [--profile]
//
// Needs PostgreSQL: MXHUB_BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test); a random database is created,
// migrated and dropped.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Client, Pool } from 'pg';
import { createPostgresEventStore } from '../../events/store/adapters/postgres';
import { createPgSql } from '../../lib/db/adapters/pg';
import { migrateLatest } from '../../migrations/run';
import { comparePhase, type Side } from './measure';
import { parseOptions, type BenchOptions } from './options';
import { batchSides, BATCH, PAGE, readAllSides, singleEventSides, type Contenders } from './phases';
import { runProfile } from './profile';
import { createRawTable, RAW_TABLE } from './raw-baseline';
import { seedHistory } from './seed';
import { formatJson, formatTable, type PhaseResult } from './report';

async function admin(url: string, text: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** ANALYZE, as autovacuum would between rounds (see --stale-stats). */
function analyzer(o: BenchOptions, pool: Pool): (() => Promise<void>) | undefined {
  if (o.staleStats) return undefined;
  return async () => void (await pool.query(`analyze mx_events, mx_streams, ${RAW_TABLE}`));
}

async function measure(o: BenchOptions, contenders: Contenders): Promise<PhaseResult[]> {
  const phases: PhaseResult[] = [];
  const beforeRound = analyzer(o, contenders.pool);
  const phase = async (key: string, title: string, note: string, sides: Side[], events: number) => {
    const perRound = Math.floor(events / o.rounds);
    const [store, raw] = await comparePhase({
      title,
      sides,
      rounds: o.rounds,
      perRound,
      warmup: o.warmup,
      beforeRound,
    });
    phases.push({ key, title, note, store: store!, raw: raw! });
  };
  await phase(
    'append-1',
    'append 1 event, c=1',
    'each append to a new stream (expected no_stream), one at a time; raw: one-row autocommit INSERT',
    singleEventSides(contenders, 1),
    o.events,
  );
  await phase(
    `append-1-c${o.concurrency}`,
    `append 1 event, c=${o.concurrency}`,
    `${o.concurrency} workers on a pool of ${o.concurrency} connections, each append to a new stream; raw: the same over a pg Pool of ${o.concurrency}`,
    singleEventSides(contenders, o.concurrency),
    o.events,
  );
  await phase(
    `append-${BATCH}`,
    `append ${BATCH} events, c=1`,
    `${BATCH} events per append to a new stream, one append at a time; raw: one ${BATCH}-row INSERT per statement`,
    batchSides(contenders),
    o.batchEvents,
  );
  const [{ n }] = (await contenders.pool.query<{ n: number }>('select count(*)::int as n from mx_events')).rows as [
    { n: number },
  ];
  await phase(
    'read-all',
    `read all, pages of ${PAGE}`,
    `the whole log (${n.toLocaleString('en-US')} events) per round: store.readAll vs keyset SELECT * ORDER BY position on ${RAW_TABLE}`,
    readAllSides(contenders),
    n * o.rounds,
  );
  const read = phases[phases.length - 1]!;
  if (read.store.events < read.raw.events) {
    // readAll stops at mx_safe_bound(): a transaction left open anywhere on the server holds it back.
    read.note += `; WARNING: the store read ${read.store.events / o.rounds} events per pass, raw ${read.raw.events / o.rounds} (an open transaction on the server holds mx_safe_bound back)`;
  }
  return phases;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.MXHUB_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `mx_bench_${randomBytes(5).toString('hex')}`;
  const url = serverUrl.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`);
  await admin(serverUrl, `create database ${dbName}`);
  const sql = createPgSql({ connectionString: url, max: o.concurrency });
  const pool = new Pool({ connectionString: url, max: o.concurrency });
  try {
    await migrateLatest(sql);
    await createRawTable(pool);
    await seedHistory(pool, o.seed);
    const store = createPostgresEventStore(sql);
    const [{ server_version: pgVersion }] = (await pool.query<{ server_version: string }>('show server_version'))
      .rows as [{ server_version: string }];
    console.log(
      `event store vs raw INSERT: PostgreSQL ${pgVersion}, ${availableParallelism()} cores, ` +
        `log seeded with ${o.seed} events, ${o.rounds} rounds, database ${dbName}`,
    );
    const phases = await measure(o, { store, pool });
    console.log(`\n${formatTable(phases)}\n`);
    if (o.profile) console.log(`${await runProfile(o, { sql, pool, beforeRound: analyzer(o, pool) })}\n`);
    const meta = {
      bench: 'event-store',
      date: new Date().toISOString(),
      cores: availableParallelism(),
      postgres: pgVersion,
      options: o,
    };
    console.log(formatJson(meta, phases));
  } finally {
    await pool.end();
    await sql.close();
    if (o.keep) console.error(`kept database ${dbName}`);
    else await admin(serverUrl, `drop database if exists ${dbName} with (force)`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
