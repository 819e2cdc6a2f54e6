import { Type, type SchemaOptions, type Static, type TSchema } from '@sinclair/typebox';
import type { StoredEvent } from '../../events/envelope';
import { MAX_PAGE } from '../../lib/keyset-cursor';
import type { Role } from './auth';

/**
 * JSON Schemas the gateway's routes share. They validate input, shape the
 * serialised output (fields not listed here are dropped from a response)
 * and document the API in OpenAPI.
 */

export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options);
export const Time = Type.String({ format: 'date-time' });
/** A JSON object whose fields the API does not fix (verdicts, technical metadata, a parsed sidecar). */
export const OpenObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Ids of assets and transfers in a path: UUIDv7s, or ids the hub derived from them. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' });
export const AssetParams = Type.Object({ assetId: { ...Id, description: 'The asset id (a UUIDv7)' } });

/** Same rule as the event store's: `<category>-<id>`. */
export const StreamId = Type.String({
  pattern: '^[a-z][a-z0-9]*-[A-Za-z0-9._:-]{1,200}$',
  description: 'stream ids look like asset-<id>, transfer-<id>, network-<id>, lane-<name>',
  examples: ['asset-0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f'],
});

/** Why an operator or admin acts: kept in the event log, so one rule for every command. */
export const Reason = Type.String({ minLength: 3, maxLength: 2000, description: 'Why: kept in the event log' });
export const ReasonBody = Nullable(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }));

/** The query of a keyset-paged list: page size and the `next` of the previous page. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 })),
  cursor: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9_-]{1,400}$', description: 'The `next` of the previous page' }),
  ),
};
export const Next = Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' }));
/** The one shape of every list: `{items, next}`. */
export const Paged = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next: Next });

export const DEPRECATED_NEXT_CURSOR =
  'Pages like every list: pass `next` back as `cursor`. `nextCursor` is a deprecated alias of `next`, ' +
  'answered for one more release only.';

/** `{items, next}` plus `nextCursor`, the name the assets and quarantine lists used before `next`: deprecated, kept one release. */
export const PagedWithNextCursor = <T extends TSchema>(item: T) =>
  Type.Object({
    ...Paged(item).properties,
    nextCursor: {
      ...Next,
      deprecated: true,
      description: 'Deprecated: the same value as `next`, kept for one release; read `next` instead',
    },
  });

/** `If-Match: <version>` on commands: the stream version the caller last saw; a stale one answers 412. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The version of the stream the caller last saw (the `version` of a read); 412 when it moved on',
      examples: ['7'],
    }),
  ),
});

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code, `MXHUB_ERR_...`; match on this, not on the message' }),
      message: Type.String(),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
      correlationId: Type.String({ description: 'Quote this when reporting a problem: it finds the log lines' }),
    }),
  },
  { title: 'Error' },
);
/** Answers of a read: a bad query or path, an unknown subject. */
export const readErrors = { 400: ErrorResponse, 404: ErrorResponse };
/** Answers of a command: also a role that may not, a state or race that refuses it, a stale If-Match. */
export const commandErrors = { ...readErrors, 403: ErrorResponse, 409: ErrorResponse, 412: ErrorResponse };

/** Who may call what: the role lists routes put in `config.roles`. */
export const READERS: readonly Role[] = ['admin', 'auditor', 'operator', 'viewer'];
export const CHANGERS: readonly Role[] = ['admin', 'operator'];
export const ADMINS: readonly Role[] = ['admin'];
export const AUDITORS: readonly Role[] = ['admin', 'auditor'];

export const EventJson = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    streamId: Type.String(),
    version: Type.Integer({ minimum: 1, description: 'Position within the stream, from 1' }),
    position: Type.String({ pattern: '^[0-9]+$', description: 'Global log position (a 64-bit integer as a string)' }),
    type: Type.String(),
    schemaVersion: Type.Integer({ minimum: 1 }),
    data: Type.Record(Type.String(), Type.Unknown()),
    metadata: Type.Object({
      correlationId: Type.String(),
      causationId: Type.String(),
      actor: Type.String(),
      occurredAt: Time,
    }),
    prevHash: Type.String({ description: "Hash of the stream's previous event ('' for the first)" }),
    hash: Type.String({ description: 'SHA-256 over prevHash and this event' }),
    recordedAt: Time,
  },
  { title: 'Event' },
);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A stored event as `EventJson` describes it (the position, a 64-bit integer, as a string). */
export const eventJson = (e: StoredEvent): Static<typeof EventJson> => ({
  ...e,
  position: e.position.toString(),
  data: isRecord(e.data) ? e.data : {},
});
