import { Type } from '@sinclair/typebox';
import { defineEvent, type EventsOf } from './define';
import { eventGuard } from './stored';
import { Reason, Sha256, TransferId } from './common';

/**
 * A rendition is the source made into a house format (formats/house-profiles)
 * for a target whose policy refused the original but names a profile. It is a
 * step of the transfer's saga, so its facts go on the transfer's stream
 * (`transfer-<id>`), folded with the transfer's own.
 */
const Profile = Type.String({ minLength: 1, maxLength: 100, description: 'a house profile name' });

export const RenditionStarted = defineEvent(
  'RenditionStarted',
  Type.Object({ transferId: TransferId, profile: Profile }, { additionalProperties: false }),
  'ffmpeg started rendering the source into the profile (again, after a crash or a rendition found damaged).',
);

export const RenditionCreated = defineEvent(
  'RenditionCreated',
  Type.Object(
    {
      transferId: TransferId,
      profile: Profile,
      /** The rendition in the hub's area of the source node: what the copy delivers instead of the original. */
      path: Type.String({ minLength: 1 }),
      sha256: Sha256,
      sizeBytes: Type.Integer({ minimum: 0 }),
      /** The original's, which the delivery sidecar names beside the rendition's. */
      sourceSha256: Sha256,
    },
    { additionalProperties: false },
  ),
  'The rendition is whole, hashed and meets the target’s policy: the copy delivers it.',
);

export const RenditionFailed = defineEvent(
  'RenditionFailed',
  Type.Object({ transferId: TransferId, profile: Profile, reason: Reason }, { additionalProperties: false }),
  'ffmpeg failed (the reason ends with its last stderr lines) or the rendition does not meet the target’s policy; nothing is delivered.',
);

export const renditionEvents = [RenditionStarted, RenditionCreated, RenditionFailed] as const;

export type RenditionEvent = EventsOf<typeof renditionEvents>;

/** Narrows a stored event to `Stored<RenditionEvent>`. */
export const isRenditionEvent = eventGuard(renditionEvents);
