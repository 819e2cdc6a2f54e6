import type { StoredEvent } from '../../../events/envelope';
import type { Projection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

const SUMMARY_FIELDS = [
  'stage',
  'passed',
  'rule',
  'targetNetwork',
  'network',
  'lane',
  'priority',
  'mode',
  'step',
  'retryable',
];

/**
 * A one-line, content-free summary: only short enumerated fields, never
 * names, reasons or payloads chosen by whoever dropped the file.
 */
export function summarize(event: StoredEvent): string {
  // Every event type passes here, so the payload is read as the JSON object it is, field by field.
  const data = new Map(typeof event.data === 'object' && event.data !== null ? Object.entries(event.data) : []);
  const parts = SUMMARY_FIELDS.flatMap((k) => {
    const value = data.get(k);
    const shown =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? JSON.stringify(value)
          : undefined;
    return shown === undefined ? [] : [`${k}=${shown.slice(0, 40)}`];
  });
  return parts.length ? `${event.type} ${parts.join(' ')}` : event.type;
}

const INSERT = `insert into rm_timeline (stream_id, version, position, event_id, type, actor, correlation_id, occurred_at, summary)`;

/** The audit's read model: one content-free line per event of every stream. */
export const timelineProjection: Projection = {
  name: 'timeline',
  tables: [{ name: 'rm_timeline', key: ['stream_id', 'version'] }],
  handles: 'all',
  apply: (tx, e) => insertLines(tx, [e]),
  applyMany: insertLines,
};

// Every event of the log is a row here: a batch goes in as one statement of arrays, not one insert per event.
async function insertLines(tx: Sql, events: StoredEvent[]): Promise<void> {
  const column = <T>(f: (e: StoredEvent) => T) => events.map(f);
  await tx.query(
    `${INSERT}
       select * from unnest($1::text[], $2::int[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                            $8::timestamptz[], $9::text[])
       on conflict (stream_id, version) do nothing`,
    [
      column((e) => e.streamId),
      column((e) => e.version),
      column((e) => e.position.toString()),
      column((e) => e.id),
      column((e) => e.type),
      column((e) => e.metadata.actor),
      column((e) => e.metadata.correlationId),
      column((e) => e.metadata.occurredAt),
      column(summarize),
    ],
  );
}
