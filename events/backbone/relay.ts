import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger as PinoLogger } from 'pino';
import { backoff } from '../../lib/backoff';
import type { Sql } from '../../lib/db/sql';
import { createWaker } from '../../lib/waker';
import type { StoredEvent } from '../envelope';
import type { EventStore } from '../store/event-store';
import type { Backbone } from './backbone';

type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface RelayOptions {
  sql: Sql;
  store: EventStore;
  backbone: Backbone;
  logger?: Logger;
  /** Names the checkpoint row and the advisory lock: one active relay per name across all processes. @default 'relay' */
  name?: string;
  /** Most events per `backbone.publish`. @default 500 */
  batchSize?: number;
  /** After a short read, wait this long for more events before publishing (fuller batches under trickle load). @default 5 */
  lingerMs?: number;
  /** Poll interval when caught up and no NOTIFY arrives. @default 250 */
  pollMs?: number;
  /** How often a standby relay tries to take the lock. @default 3000 */
  standbyRetryMs?: number;
  /** Longest pause between attempts to publish a failing batch. @default 10000 */
  maxBackoffMs?: number;
}

export interface RelayStatus {
  /** This process holds the lock and is publishing. */
  active: boolean;
  /** Global position of the last event published and checkpointed (0n before the first). */
  position: bigint;
  /** Last failure (publish, database), cleared by the next success. */
  lastError?: string;
  /** False while the last attempt to publish, or to reach the database, failed. */
  healthy: boolean;
}

export interface Relay {
  start(): void;
  /** Lets the batch in flight finish (or fail), then releases the lock. */
  stop(): Promise<void>;
  status(): RelayStatus;
}

/**
 * Publishes committed events from the store to the backbone in global
 * position order: the outbox relay of the design.
 *
 * Singleton: it runs only while it holds a PostgreSQL session advisory lock
 * keyed by `name`; other processes' relays stay on standby and retry. The
 * lock goes with the session, so a relay whose connection dies stops (its
 * next checkpoint write through that session fails) and a standby takes over.
 *
 * Delivery: a batch is read with `store.readAll` (which never skips a late
 * commit), published, and only then is the checkpoint in `mx_checkpoints`
 * moved (that write overlaps the publishing of the next batch, and each is
 * awaited before the next one starts). A failing publish is retried, same batch, with backoff: nothing is
 * skipped or reordered. A crash between publish and checkpoint re-publishes
 * the batch, so consumers see events at least once (dedupe by event id).
 */
export function createRelay(options: RelayOptions): Relay {
  const { sql, store, backbone, logger } = options;
  const name = options.name ?? 'relay';
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 5;
  const pollMs = options.pollMs ?? 250;
  const standbyRetryMs = options.standbyRetryMs ?? 3000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const lockKey = advisoryKey(`mxhub:relay:${name}`);

  let running: Promise<void> | undefined;
  let stopping = false;
  let active = false;
  let position = 0n;
  let lastError: string | undefined;
  // Sleeps between polls, cut short by stop() or a NOTIFY on mx_events.
  const waker = createWaker();

  const fail = (err: unknown, what: string) => {
    lastError = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    logger?.warn({ err, relay: name }, `relay ${what} failed`);
  };

  async function readBatch(after: bigint): Promise<StoredEvent[]> {
    const batch = await store.readAll({ after, limit: batchSize });
    if (batch.length === 0 || batch.length === batchSize || lingerMs === 0) return batch;
    await sleep(lingerMs);
    return batch.concat(
      await store.readAll({ after: batch[batch.length - 1]!.position, limit: batchSize - batch.length }),
    );
  }

  /** Starts a read now, awaited later; marked handled so a failure does not count as unhandled meanwhile. */
  function prefetch(after: bigint): Promise<StoredEvent[]> {
    const read = readBatch(after);
    read.catch(() => undefined);
    return read;
  }

  async function publishWithRetry(session: Sql, batch: StoredEvent[]): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await backbone.publish(batch);
        return true;
      } catch (err) {
        fail(err, `publish of positions ${batch[0]!.position}..${batch[batch.length - 1]!.position}`);
        if (stopping) return false;
        await waker.sleep(backoff(failures, { baseMs: 200, maxMs: maxBackoffMs }));
        // Still the leader? A dead session means the lock is gone: let a standby take over.
        await session.query('select 1');
      }
    }
  }

  async function lead(session: Sql): Promise<void> {
    const [row] = await session.query<{ position: string }>(
      'select position::text as position from mx_checkpoints where name = $1',
      [name],
    );
    position = BigInt(row?.position ?? '0');
    logger?.info({ relay: name, position: position.toString() }, 'relay active');
    const unlisten = await sql.listen('mx_events', () => waker.wake()).catch(() => undefined);
    // The checkpoint write of the last published batch. It goes on while the
    // next batch is published, and is awaited before the next checkpoint, so
    // each checkpoint is still written only after its batch was acknowledged,
    // in order, and a failed one (the session, and so the lock, is gone)
    // stops this relay one batch later at most.
    let checkpoint: Promise<void> | undefined;
    let next = prefetch(position);
    try {
      while (!stopping) {
        const batch = await next;
        if (batch.length === 0) {
          await checkpoint;
          await session.query('select 1');
          await waker.sleep(pollMs);
          next = prefetch(position);
          continue;
        }
        const last = batch[batch.length - 1]!.position;
        // Read the next batch while this one is on its way: a relay is otherwise read + publish, back to back.
        next = prefetch(last);
        const published = await publishWithRetry(session, batch);
        await checkpoint;
        if (!published) break;
        lastError = undefined;
        checkpoint = session
          .query(
            `insert into mx_checkpoints (name, position) values ($1, $2)
             on conflict (name) do update set position = excluded.position, updated_at = now()`,
            [name, last.toString()],
          )
          .then(() => {
            position = last;
          });
        // Handled here so that it does not count as unhandled meanwhile; the await above rethrows a failure.
        checkpoint.catch(() => undefined);
      }
      await checkpoint;
    } finally {
      // On the way out after an error, the last checkpoint still settles before the lock is released.
      await checkpoint?.catch(() => undefined);
      await unlisten?.().catch(() => undefined);
    }
  }

  /** One term: take the lock or return false; while held, relay until stopped or the session fails. */
  const term = () =>
    sql.session(async (session) => {
      const [row] = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [
        lockKey,
      ]);
      if (!row?.locked) return false;
      active = true;
      try {
        await lead(session);
      } finally {
        active = false;
        await session.query('select pg_advisory_unlock($1::bigint)', [lockKey]).catch(() => undefined);
      }
      return true;
    });

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        if (!(await term())) lastError = undefined;
      } catch (err) {
        fail(err, 'database session');
      }
      if (!stopping) await waker.sleep(standbyRetryMs);
    }
  }

  return {
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    async stop() {
      stopping = true;
      waker.wake();
      await running;
      running = undefined;
    },
    status: () => ({ active, position, healthy: lastError === undefined, ...(lastError ? { lastError } : {}) }),
  };
}

/** A stable signed 64-bit lock key from a name (hashtext() is internal to PostgreSQL and may change). */
function advisoryKey(text: string): string {
  return createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
}

/**
 * Who holds a relay's lock, seen from any session on the same server: the
 * backend pid of the active relay, or null when none runs. This is where a
 * relay's liveness is known (a run file on one machine says nothing about a
 * hub elsewhere). A bigint advisory key shows in pg_locks split in two oids.
 */
export async function relayHolder(sql: Sql, name = 'relay'): Promise<number | null> {
  const key = BigInt.asUintN(64, BigInt(advisoryKey(`mxhub:relay:${name}`)));
  const [row] = await sql.query<{ pid: number }>(
    `select pid from pg_locks
      where locktype = 'advisory' and granted and objsubid = 1 and classid = $1::bigint::oid and objid = $2::bigint::oid
      limit 1`,
    [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
  );
  return row?.pid ?? null;
}
