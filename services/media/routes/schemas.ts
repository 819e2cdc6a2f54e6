import { Type } from '@sinclair/typebox';

/** The body of a rendition response: the file's bytes (or the range asked for), streamed, never JSON. */
export const Bytes = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The rendition’s bytes' });

export const RemakeAccepted = Type.Object(
  {
    assetId: Type.String(),
    /** False when a request was still unanswered: it is the one that will be answered. */
    requested: Type.Boolean(),
  },
  { additionalProperties: false },
);
