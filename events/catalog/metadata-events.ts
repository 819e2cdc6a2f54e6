import { Type } from '@sinclair/typebox';
import { defineEvent } from './define';
import { AssetId } from './common';

const SidecarMetadata = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The sidecar as `SidecarParsed` records it (title, materialId, programmeId, ..., extra items)',
});

export const MetadataChanged = defineEvent(
  'MetadataChanged',
  Type.Object(
    {
      assetId: AssetId,
      /** The sidecar metadata before the edit; `{}` for an asset that came without a sidecar. */
      before: SidecarMetadata,
      /** The whole sidecar metadata after the edit: it replaces `before`. */
      after: SidecarMetadata,
      /** The fields that differ, `extra.<key>` for an extra item (`title`, `extra.reporter`). */
      changed: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  'A user with the modify right edited the asset’s sidecar metadata (the catalog’s title, programme, keywords...).',
);
