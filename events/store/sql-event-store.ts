import { ConcurrencyError, IdempotencyError, ValidationError } from '../../lib/errors';
import type { Sql } from '../../lib/db/sql';
import { createCatalog, type Catalog } from '../catalog';
import type { NewEvent, StoredEvent } from '../envelope';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, Subscription } from './event-store';
import { createSubscription } from './subscription';

export interface SqlEventStoreOptions {
  /** Event catalog used to validate appends and upcast reads. @default the hub's catalog */
  catalog?: Catalog;
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
      let rows: Array<{ r_version: number; r_position: string; r_duplicate: boolean }>;
      try {
        rows = await sql.query('select * from mx_append($1, $2, $3::jsonb)', [streamId, code, JSON.stringify(payload)]);
      } catch (err) {
        throw mapAppendError(err, streamId, expected);
      }
      const last = rows[rows.length - 1]!;
      if (!last.r_duplicate) notifySubscribers();
      return { nextVersion: last.r_version, lastPosition: BigInt(last.r_position), duplicate: last.r_duplicate };
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
