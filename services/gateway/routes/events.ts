import { Type } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import type { EventStore, ReadAllOptions } from '../../../events/store/event-store';
import { ValidationError } from '../../../lib/errors';
import type { GatewayRoutes } from '../deps';
import { AUDITORS, ErrorResponse, EventJson, eventJson, Nullable, StreamId, Time } from '../schemas';

const MAX_POSITION = 2n ** 63n - 1n;

const EventsQuery = Type.Object(
  {
    stream: Type.Optional(StreamId),
    category: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9]*$', maxLength: 50, description: 'Stream category: asset, transfer...' }),
    ),
    type: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z][A-Za-z0-9]*(,[A-Za-z][A-Za-z0-9]*)*$',
        maxLength: 2000,
        description: 'Event types, comma separated: AssetDetected,AssetCleared',
      }),
    ),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Only events asked by this actor, exactly as in metadata.actor: user:ana, cli:root, system',
      }),
    ),
    from: Type.Optional({ ...Time, description: 'occurredAt at or after this time' }),
    to: Type.Optional({ ...Time, description: 'occurredAt before this time (exclusive)' }),
    after: Type.Optional(
      Type.String({
        pattern: '^(0|[1-9][0-9]{0,18})$',
        default: '0',
        description: 'Return events after this global position: the `next` of the previous page',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('jsonl')], {
        default: 'json',
        description:
          '`jsonl`: the whole filtered range from `after` on as JSON Lines (application/x-ndjson, one event per ' +
          'line, `limit` ignored), for an export an auditor keeps',
      }),
    ),
  },
  { additionalProperties: false },
);

// The log pages by position, not by a keyset cursor: `next` goes back as `after`.
const EventPage = Type.Object({
  items: Type.Array(EventJson),
  next: Nullable(Type.String(), {
    description: 'Pass as `after` for the next page; null when this page is the last one for now',
  }),
});

function position(after: string): bigint {
  const p = BigInt(after);
  if (p > MAX_POSITION)
    throw new ValidationError(`query parameter "after" must be at most ${MAX_POSITION}`, { field: 'after' });
  return p;
}

const EXPORT_PAGE = 1000;

/** Every event of the filter from `after` on, as JSON Lines, read page by page while the client takes them. */
function exportLines(store: Pick<EventStore, 'readAll'>, filter: ReadAllOptions): Readable {
  return Readable.from(
    (async function* lines() {
      let after = filter.after ?? 0n;
      for (;;) {
        const events = await store.readAll({ ...filter, after, limit: EXPORT_PAGE });
        if (events.length > 0) yield events.map((e) => `${JSON.stringify(eventJson(e))}\n`).join('');
        if (events.length < EXPORT_PAGE) return;
        after = events[events.length - 1]!.position;
      }
    })(),
  );
}

/**
 * The global event log for auditors, filtered and paginated by position.
 * Paging by position rather than offset keeps pages stable while events
 * are appended, and the store never shows an event below a position it has
 * already returned, so following `next` misses nothing.
 */
export const eventRoutes: GatewayRoutes = async (app, { deps }) => {
  app.get(
    '/events',
    {
      config: { roles: AUDITORS },
      schema: {
        tags: ['events'],
        summary: 'Read the global event log',
        querystring: EventsQuery,
        response: { 200: EventPage, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from)) {
        throw new ValidationError(`query parameter "to" (${q.to}) must be later than "from" (${q.from})`, {
          field: 'to',
        });
      }
      const filter: ReadAllOptions = {
        after: position(q.after ?? '0'),
        ...(q.stream ? { streamId: q.stream } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.type ? { types: q.type.split(',') } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
      };
      if (q.format === 'jsonl') {
        const name = `mxhub-events-after-${filter.after}.jsonl`;
        return (
          reply
            .type('application/x-ndjson; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}"`)
            // The typed reply knows the JSON page only; a stream is sent as it is, unserialised.
            .send(exportLines(deps.store, filter) as never)
        );
      }
      const events = await deps.store.readAll({ ...filter, limit });
      const last = events[events.length - 1];
      return { items: events.map(eventJson), next: events.length === limit && last ? last.position.toString() : null };
    },
  );
};
