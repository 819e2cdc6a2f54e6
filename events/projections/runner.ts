import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Sql } from '../../lib/db/sql';
import { UnavailableError } from '../../lib/errors';
import { createWaker } from '../../lib/waker';
import type { StoredEvent } from '../envelope';
import type { EventStore } from '../store/event-store';
import type { Projection } from './projection';

export interface ProjectionRunnerOptions {
  /** Events per transaction. @default 500 */
  batchSize?: number;
  /** Poll interval when idle, ms (NOTIFY wakes it earlier). @default 200 */
  pollMs?: number;
  /**
   * After a round that applied events, wait this long before the next (a
   * NOTIFY does not cut it short; someone waiting in `caughtUp` does): under
   * load, a round then applies what many appends wrote, for one log read,
   * one commit and one checkpoint write. An idle runner still wakes at once.
   * @default 50
   */
  settleMs?: number;
  /** How long `caughtUp` waits before it gives up with an UnavailableError, ms. @default 60000 */
  caughtUpTimeoutMs?: number;
}

export interface ProjectionStatus {
  name: string;
  position: bigint;
  /** Events in the log the projection has not applied yet (capped at 100 000). */
  lagEvents: number;
  /** Age of the oldest event not yet applied, in seconds (0 when caught up). */
  lagSeconds: number;
}

const LATE = 'the read models (projections did not catch up in time)';
const checkpointName = (p: Projection) => `projection:${p.name}`;
const pastOf = (position: bigint) => (e: StoredEvent) => e.position > position;
const wants = (p: Projection, e: StoredEvent) => p.handles === 'all' || p.handles.includes(e.type);

/** Applies `events` to `projection` in one transaction; `search_path` points it at replay tables when given. */
export async function applyBatch(
  tx: Sql,
  projection: Projection,
  events: StoredEvent[],
  schema?: string,
): Promise<void> {
  if (schema) await tx.query(`set local search_path to ${schema}, public`);
  const wanted = events.filter((e) => wants(projection, e));
  if (projection.applyMany) {
    if (wanted.length > 0) await projection.applyMany(tx, wanted);
    return;
  }
  for (const e of wanted) await projection.apply(tx, e);
}

/**
 * Runs the projections: read a batch of the log after their checkpoints,
 * apply it to each projection and move that projection's checkpoint in the
 * same transaction. One read serves every projection at the same place (one
 * log read per batch, not one per read model); one that lags further (a
 * rebuild) gets reads of its own, so it holds up no other, and one that
 * fails keeps its checkpoint, is left out for a second and holds up no other
 * either. `readAll` only returns final positions, so a checkpoint never
 * passes a late commit.
 */
export function createProjectionRunner(
  deps: { sql: Sql; store: EventStore; projections: Projection[]; logger: Logger },
  options: ProjectionRunnerOptions = {},
) {
  const { sql, store, projections, logger } = deps;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 200;
  const settleMs = options.settleMs ?? 50;
  let running = false;
  const waker = createWaker();
  // Cuts the settling short: a caughtUp waiter or stop, never a NOTIFY.
  const urgent = createWaker();
  let unlisten: (() => Promise<void>) | undefined;
  let loop: Promise<void> | undefined;
  // Each projection's checkpoint as this process last read or moved it, and who waits for a position.
  const applied = new Map<string, bigint>();
  const waiters = new Set<{ position: bigint; done: () => void }>();
  // A projection whose batch failed is left out until then (ms), so it holds up no other.
  const failedUntil = new Map<string, number>();
  const reached = (position: bigint) => projections.every((p) => (applied.get(p.name) ?? -1n) >= position);

  function note(p: Projection, position: bigint): void {
    if ((applied.get(p.name) ?? -1n) < position) applied.set(p.name, position);
    for (const w of waiters) if (reached(w.position)) w.done();
  }

  /** Every projection's checkpoint, in one query: another process may have moved them. */
  async function checkpoints(): Promise<Map<string, bigint>> {
    const rows = await sql.query<{ name: string; position: string }>(
      'select name, position::text as position from mx_checkpoints where name = any($1::text[])',
      [projections.map(checkpointName)],
    );
    const byName = new Map(rows.map((r) => [r.name, BigInt(r.position)]));
    return new Map(projections.map((p) => [p.name, byName.get(checkpointName(p)) ?? 0n]));
  }

  /**
   * Applies to each projection its events of the batch (those after its
   * checkpoint) and moves every checkpoint to `last`, in one transaction: a
   * round costs one commit and one checkpoint write, not one per read model.
   */
  async function commit(of: Projection[], events: StoredEvent[], last: bigint, at: Map<string, bigint>) {
    await sql.transaction(async (tx) => {
      for (const p of of) await applyBatch(tx, p, events.filter(pastOf(at.get(p.name)!)));
      await tx.query(
        `insert into mx_checkpoints (name, position, updated_at) select n, $2, now() from unnest($1::text[]) n
         on conflict (name) do update set position = excluded.position, updated_at = now()
         where mx_checkpoints.position < excluded.position`,
        [of.map(checkpointName), last.toString()],
      );
    });
    for (const p of of) note(p, last);
  }

  /**
   * One round: reads the log once for the projections at the lowest
   * checkpoint and every one within that batch, applies it to each, and
   * reads again for those further ahead. Returns the most events any one
   * projection was given (a full batch means: come back at once). `strict`
   * (tests, CLI, a runner not started) throws a failure instead of leaving
   * the projection out for a while.
   */
  async function round(of: Projection[] = projections, strict = false): Promise<number> {
    const at = await checkpoints();
    const now = Date.now();
    let pending = of
      .filter((p) => strict || (failedUntil.get(p.name) ?? 0) <= now)
      .sort((x, y) => (at.get(x.name)! < at.get(y.name)! ? -1 : 1));
    for (const p of pending) note(p, at.get(p.name)!);
    let most = 0;
    while (pending.length > 0) {
      const after = at.get(pending[0]!.name)!;
      const events = await store.readAll({ after, limit: batchSize });
      if (events.length === 0) break; // the lowest is at the head: so is every one after it
      const last = events[events.length - 1]!.position;
      const due = pending.filter((q) => at.get(q.name)! < last);
      const given = (p: Projection) => events.filter(pastOf(at.get(p.name)!)).length;
      // All together first; if that fails, each on its own, so the one that fails holds up no other.
      const together =
        due.length > 1 &&
        (await commit(due, events, last, at).then(
          () => true,
          () => false,
        ));
      for (const p of due) {
        try {
          if (!together) await commit([p], events, last, at);
          most = Math.max(most, given(p));
        } catch (err) {
          if (strict) throw err;
          failedUntil.set(p.name, Date.now() + 1000);
          logger.error({ err, projection: p.name }, 'projection batch failed; retrying');
        }
      }
      pending = pending.filter((q) => at.get(q.name)! >= last);
    }
    return most;
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        const n = await round();
        if (n > 0 && n < batchSize && waiters.size === 0) await urgent.sleep(settleMs);
        if (n < batchSize) await waker.sleep(failedUntil.size > 0 ? Math.min(pollMs, 1000) : pollMs);
      } catch (err) {
        logger.error({ err }, 'reading the log for the projections failed; retrying');
        await waker.sleep(1000);
      }
      for (const [name, until] of failedUntil) if (until <= Date.now()) failedUntil.delete(name);
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      unlisten = await sql.listen('mx_events', waker.wake).catch(() => undefined);
      loop = run();
    },
    async stop() {
      running = false;
      urgent.wake();
      waker.wake();
      await loop;
      loop = undefined;
      await unlisten?.();
    },
    /**
     * Resolves once every projection has applied the log up to `position`
     * (a store position, e.g. `headPosition()` at the time of the call).
     * The running loops report each batch they commit, so nobody polls; a
     * runner that is not started applies the batches itself. Rejects with
     * an UnavailableError after `caughtUpTimeoutMs`.
     */
    async caughtUp(position: bigint): Promise<void> {
      if (!running) {
        const deadline = Date.now() + (options.caughtUpTimeoutMs ?? 60_000);
        for (const p of projections) {
          while (((await checkpoints()).get(p.name) ?? 0n) < position) {
            if ((await round([p], true)) > 0) continue;
            // Below the safe bound: an older transaction still runs, so the events are not readable yet.
            if (Date.now() > deadline) throw new UnavailableError(LATE);
            await sleep(pollMs);
          }
        }
        return;
      }
      if (reached(position)) return;
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          position,
          done: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new UnavailableError(LATE));
        }, options.caughtUpTimeoutMs ?? 60_000);
        waiters.add(waiter);
        // Idle loops sleep up to pollMs, busy ones settle; someone is waiting, so look now.
        urgent.wake();
        waker.wake();
      });
    },
    /** Applies everything up to the head once (tests, CLI). */
    async catchUp(): Promise<void> {
      while ((await round(projections, true)) === batchSize);
    },
    async status(): Promise<ProjectionStatus[]> {
      return Promise.all(
        projections.map(async (p) => {
          const position = (await checkpoints()).get(p.name) ?? 0n;
          const [lag] = await sql.query<{ n: number; oldest: string | null }>(
            `select count(*)::int as n, min(recorded_at)::text as oldest
               from (select recorded_at from mx_events where position > $1 and position < mx_safe_bound()
                     order by position limit 100000) pending`,
            [position.toString()],
          );
          const lagSeconds = lag?.oldest ? Math.max(0, (Date.now() - Date.parse(lag.oldest)) / 1000) : 0;
          return { name: p.name, position, lagEvents: lag?.n ?? 0, lagSeconds };
        }),
      );
    },
    /** Empties a projection's tables and checkpoint so it rebuilds from the start of the log. */
    async rebuild(name: string): Promise<void> {
      const p = projections.find((x) => x.name === name);
      if (!p) throw new Error(`no projection named ${name}`);
      await sql.transaction(async (tx) => {
        for (const t of p.tables) await tx.query(`delete from ${t.name}`);
        await tx.query('delete from mx_checkpoints where name = $1', [checkpointName(p)]);
      });
    },
  };
}

export type ProjectionRunner = ReturnType<typeof createProjectionRunner>;
