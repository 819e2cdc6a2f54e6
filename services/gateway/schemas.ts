import { Type } from '@sinclair/typebox';

/**
 * JSON Schemas the gateway's routes share. They validate input, shape the
 * serialised output (fields not listed here are dropped from a response)
 * and document the API in OpenAPI.
 */

/** Same rule as the event store's: `<category>-<id>`. */
export const StreamId = Type.String({
  pattern: '^[a-z][a-z0-9]*-[A-Za-z0-9._:-]{1,200}$',
  description: 'A stream id, `<category>-<id>`, e.g. `asset-0192f0c1-...`',
  examples: ['asset-0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f'],
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

export const EventJson = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    streamId: Type.String(),
    version: Type.Integer({ minimum: 1, description: 'Position within the stream, from 1' }),
    position: Type.String({ pattern: '^[0-9]+$', description: 'Global log position (a 64-bit integer as a string)' }),
    type: Type.String(),
    schemaVersion: Type.Integer({ minimum: 1 }),
    data: Type.Object({}, { additionalProperties: true }),
    metadata: Type.Object({
      correlationId: Type.String(),
      causationId: Type.String(),
      actor: Type.String(),
      occurredAt: Type.String({ format: 'date-time' }),
    }),
    prevHash: Type.String({ description: "Hash of the stream's previous event ('' for the first)" }),
    hash: Type.String({ description: 'SHA-256 over prevHash and this event' }),
    recordedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Event' },
);
