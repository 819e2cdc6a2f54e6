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
 * Runs each projection in its own loop: read a batch after its checkpoint,
 * apply it and move the checkpoint in the same transaction. `readAll` only
 * returns final positions, so a checkpoint never passes a late commit.
 */
export function createProjectionRunner(
  deps: { sql: Sql; store: EventStore; projections: Projection[]; logger: Logger },
  options: ProjectionRunnerOptions = {},
) {
  const { sql, store, projections, logger } = deps;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 200;
  let running = false;
  const waker = createWaker();
  let unlisten: (() => Promise<void>) | undefined;
  const loops: Array<Promise<void>> = [];
  // Each projection's checkpoint as this process last read or moved it, and who waits for a position.
  const applied = new Map<string, bigint>();
  const waiters = new Set<{ position: bigint; done: () => void }>();
  const reached = (position: bigint) => projections.every((p) => (applied.get(p.name) ?? -1n) >= position);

  function note(p: Projection, position: bigint): void {
    if ((applied.get(p.name) ?? -1n) < position) applied.set(p.name, position);
    for (const w of waiters) if (reached(w.position)) w.done();
  }

  async function checkpoint(p: Projection): Promise<bigint> {
    const [row] = await sql.query<{ position: string }>(
      'select position::text as position from mx_checkpoints where name = $1',
      [checkpointName(p)],
    );
    return BigInt(row?.position ?? '0');
  }

  /** Applies one batch; returns how many events it read. */
  async function step(p: Projection): Promise<number> {
    const after = await checkpoint(p);
    note(p, after);
    const events = await store.readAll({ after, limit: batchSize });
    if (events.length === 0) return 0;
    const last = events[events.length - 1]!.position.toString();
    await sql.transaction(async (tx) => {
      await applyBatch(tx, p, events);
      await tx.query(
        `insert into mx_checkpoints (name, position, updated_at) values ($1, $2, now())
         on conflict (name) do update set position = excluded.position, updated_at = now()
         where mx_checkpoints.position < excluded.position`,
        [checkpointName(p), last],
      );
    });
    note(p, BigInt(last));
    return events.length;
  }

  async function loop(p: Projection): Promise<void> {
    while (running) {
      try {
        const n = await step(p);
        if (n < batchSize) await waker.sleep(pollMs);
      } catch (err) {
        logger.error({ err, projection: p.name }, 'projection batch failed; retrying');
        await waker.sleep(1000);
      }
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      unlisten = await sql.listen('mx_events', waker.wake).catch(() => undefined);
      for (const p of projections) loops.push(loop(p));
    },
    async stop() {
      running = false;
      waker.wake();
      await Promise.all(loops.splice(0));
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
          while ((await checkpoint(p)) < position) {
            if ((await step(p)) > 0) continue;
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
        // Idle loops sleep up to pollMs; someone is waiting, so look now.
        waker.wake();
      });
    },
    /** Applies everything up to the head once (tests, CLI). */
    async catchUp(): Promise<void> {
      for (const p of projections) while ((await step(p)) === batchSize);
    },
    async status(): Promise<ProjectionStatus[]> {
      return Promise.all(
        projections.map(async (p) => {
          const position = await checkpoint(p);
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
