import type { StoredEvent } from '../../../events/envelope';
import type { Projection } from '../../../events/projections/projection';

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

/** The audit's read model: one content-free line per event of every stream. */
export const timelineProjection: Projection = {
  name: 'timeline',
  tables: [{ name: 'rm_timeline', key: ['stream_id', 'version'] }],
  handles: 'all',
  async apply(tx, e) {
    await tx.query(
      `insert into rm_timeline (stream_id, version, position, event_id, type, actor, correlation_id, occurred_at, summary)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (stream_id, version) do nothing`,
      [
        e.streamId,
        e.version,
        e.position.toString(),
        e.id,
        e.type,
        e.metadata.actor,
        e.metadata.correlationId,
        e.metadata.occurredAt,
        summarize(e),
      ],
    );
  },
};
