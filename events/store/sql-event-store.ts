import { ConcurrencyError, IdempotencyError, ValidationError } from '../../lib/errors';
import type { Sql } from '../../lib/db/sql';
import { createCatalog, type Catalog } from '../catalog';
import type { NewEvent, StoredEvent } from '../envelope';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, Subscription } from './event-store';
import { createSubscription } from './subscription';

export interface SqlEventStoreOptions {
  /** Event catalog used to validate appends and upcast reads. @default the hub's catalog */
  catalog?: Catalog;
  /**
   * Appends (single or batched) in flight at once; the appends that arrive
   * meanwhile wait and go together as one batch (group commit). @default 1 on
   * PGlite (one session), 4 on PostgreSQL
   */
  appendsInFlight?: number;
}

/** Appends sent as one batch at most. */
const MAX_BATCH = 64;

interface AppendRow {
  r_event_id: string | null;
  r_version: number | null;
  r_position: string | null;
  r_duplicate: boolean | null;
  r_error?: string | null;
  r_message?: string | null;
  r_detail?: string | null;
}

/** An append waiting for its turn: checked and serialised, and how to answer its caller. */
interface Waiting {
  streamId: string;
  expected: ExpectedVersion;
  code: number;
  events: string;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

export interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredEvent['metadata'];
  prev_hash: string;
  hash: string;
  recorded_at: string | Date;
}

export const EVENT_COLUMNS = `position::text as position, event_id, stream_id, version, type, schema_version,
  data, metadata, prev_hash, hash, recorded_at`;

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    id: r.event_id,
    streamId: r.stream_id,
    version: r.version,
    position: BigInt(r.position),
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    prevHash: r.prev_hash,
    hash: r.hash,
    recordedAt: r.recorded_at instanceof Date ? r.recorded_at.toISOString() : new Date(r.recorded_at).toISOString(),
  };
}

const STREAM_ID = /^[a-z][a-z0-9]*-[A-Za-z0-9._:-]{1,200}$/;

function expectedCode(expected: ExpectedVersion): number {
  if (expected === 'any') return -2;
  if (expected === 'no_stream') return -1;
  if (!Number.isInteger(expected) || expected < 0)
    throw new ValidationError(`expected version must be 'any', 'no_stream' or an integer >= 0, got ${expected}`);
  return expected;
}

function resultOf(rows: AppendRow[]): AppendResult {
  const last = rows[rows.length - 1]!;
  return { nextVersion: last.r_version!, lastPosition: BigInt(last.r_position!), duplicate: last.r_duplicate! };
}

function mapAppendError(err: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const e = err as { code?: string; message?: string; detail?: string };
  if (e.code === 'MX001') return new ConcurrencyError(streamId, String(expected), Number(e.message));
  if (e.code === 'MX002') return new IdempotencyError(e.message ?? '?', e.detail ?? '');
  return err;
}

/**
 * The event store over the SQL port. Ordering, idempotency and the hash
 * chain live in the `mx_append` function (see the migration), so both
 * adapters share them to the letter.
 */
export function createSqlEventStore(sql: Sql, options: SqlEventStoreOptions = {}): EventStore {
  const catalog = options.catalog ?? createCatalog();
  const upcast = (r: EventRow) => catalog.upcast(rowToEvent(r));
  const subscriptions = new Set<Subscription>();

  // Wakes subscribers in every process. Sent after the append committed and
  // at most once per 20 ms: a NOTIFY inside the append transaction would take
  // PostgreSQL's global notify lock through the commit flush and serialise
  // all appends. A lost notification only delays readers to their poll.
  let notifyQueued = false;
  const notifySubscribers = () => {
    if (notifyQueued) return;
    notifyQueued = true;
    setTimeout(() => {
      notifyQueued = false;
      sql.query(`select pg_notify('mx_events', '')`).catch(() => undefined);
    }, 20).unref();
  };

  async function readAll(o: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const where = ['position > $1'];
    const params: unknown[] = [(o.after ?? 0n).toString()];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (o.streamId) add('stream_id = ?', o.streamId);
    if (o.category) add(`split_part(stream_id, '-', 1) = ?`, o.category);
    if (o.types?.length) add('type = any(?)', o.types);
    if (o.actor) add(`metadata->>'actor' = ?`, o.actor);
    if (o.from) add(`(metadata->>'occurredAt')::timestamptz >= ?`, o.from);
    if (o.to) add(`(metadata->>'occurredAt')::timestamptz < ?`, o.to);
    params.push(o.limit ?? 1000);
    // The safe bound goes outside the LIMIT: inside, a planner without fresh
    // statistics scans and sorts the whole rest of the log for every page.
    // Rows it cuts off can only be at the end of the page, so the result is the same.
    const rows = await sql.query<EventRow>(
      `select ${EVENT_COLUMNS} from (select * from mx_events where ${where.join(' and ')}
         order by mx_events.position limit $${params.length}) page
        where page.position < mx_safe_bound() order by page.position`,
      params,
    );
    return rows.map(upcast);
  }

  // Group commit: up to `inFlight` appends run at once; those that arrive meanwhile go together in the next one.
  const inFlightMax = options.appendsInFlight ?? (sql.kind === 'pglite' ? 1 : 4);
  const waiting: Waiting[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < inFlightMax && waiting.length > 0) {
      const batch = waiting.splice(0, MAX_BATCH);
      inFlight += 1;
      void (batch.length === 1 ? appendOne(batch[0]!) : appendMany(batch)).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  function settle(w: Waiting, rows: AppendRow[]): void {
    const failed = rows.find((r) => r.r_error);
    if (failed) {
      const err = {
        code: failed.r_error!,
        message: failed.r_message ?? undefined,
        detail: failed.r_detail ?? undefined,
      };
      return w.reject(mapAppendError(err, w.streamId, w.expected));
    }
    const result = resultOf(rows);
    if (!result.duplicate) notifySubscribers();
    w.resolve(result);
  }

  async function appendOne(w: Waiting): Promise<void> {
    try {
      settle(
        w,
        await sql.query<AppendRow>('select * from mx_append($1, $2, $3::jsonb)', [w.streamId, w.code, w.events]),
      );
    } catch (err) {
      w.reject(mapAppendError(err, w.streamId, w.expected));
    }
  }

  async function appendMany(batch: Waiting[]): Promise<void> {
    // The events are serialised already (once, at the call): the batch is assembled around them.
    const item = (w: Waiting) => `{"stream":${JSON.stringify(w.streamId)},"expected":${w.code},"events":${w.events}}`;
    const items = `[${batch.map(item).join(',')}]`;
    let rows: Array<AppendRow & { r_item: number }>;
    try {
      rows = await sql.query('select * from mx_append_batch($1::jsonb)', [items]);
    } catch {
      // Not one item's check (those come back as rows): each goes on its own, to learn whose it is.
      for (const w of batch) await appendOne(w);
      return;
    }
    const rowsOf = (i: number) => rows.filter((r) => r.r_item === i);
    batch.forEach((w, i) => settle(w, rowsOf(i)));
  }

  const store: EventStore = {
    async append(streamId, events: NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
      if (!STREAM_ID.test(streamId)) {
        throw new ValidationError(`stream id "${streamId}" must look like <category>-<id> (e.g. asset-0192...)`, {
          field: 'streamId',
        });
      }
      if (events.length === 0) throw new ValidationError('append needs at least one event', { field: 'events' });
      if (new Set(events.map((e) => e.id)).size !== events.length) {
        throw new ValidationError('append has the same event id twice', { field: 'events.id' });
      }
      const payload = events.map((e) => {
        catalog.validate(e);
        return {
          id: e.id,
          type: e.type,
          schemaVersion: catalog.definition(e.type).schemaVersion,
          data: e.data,
          metadata: e.metadata,
        };
      });
      const code = expectedCode(expected);
      return new Promise<AppendResult>((resolve, reject) => {
        waiting.push({ streamId, expected, code, events: JSON.stringify(payload), resolve, reject });
        pump();
      });
    },

    async readStream(streamId, o = {}) {
      const rows = await sql.query<EventRow>(
        `select ${EVENT_COLUMNS} from mx_events where stream_id = $1 and version >= $2 order by version`,
        [streamId, o.fromVersion ?? 1],
      );
      return rows.map(upcast);
    },

    readAll,

    subscribe(handler, o) {
      const sub = createSubscription({ sql, readAll, handler, ...o });
      subscriptions.add(sub);
      return {
        caughtUp: (p) => sub.caughtUp(p),
        stop: async () => {
          subscriptions.delete(sub);
          await sub.stop();
        },
      };
    },

    async headPosition() {
      const [row] = await sql.query<{ p: string | null }>(
        'select max(position)::text as p from mx_events where position < mx_safe_bound()',
      );
      return BigInt(row?.p ?? '0');
    },

    async streamVersion(streamId) {
      const [row] = await sql.query<{ version: number }>('select version from mx_streams where stream_id = $1', [
        streamId,
      ]);
      return row?.version ?? 0;
    },

    /** Stops this store's subscriptions; the Sql belongs to whoever created it. */
    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      subscriptions.clear();
    },
  };
  return store;
}
