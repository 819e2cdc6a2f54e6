/** Delivery states: a cleared asset's targets all received it, some did (the rest failed for good), or none did. */
export const DELIVERY_STATES = ['delivered', 'partially-delivered', 'delivery-failed'] as const;

/**
 * The states an asset shows in the assets read model and list (`GET /v1/assets?state=`): screening's, then,
 * once cleared, delivery's. Screening's read model sets them; the catalog filters on them.
 */
export const ASSET_STATES = [
  'detected',
  'ingested',
  'screening',
  'cleared',
  'quarantined',
  'released',
  'deleted',
  ...DELIVERY_STATES,
] as const;

export type AssetListState = (typeof ASSET_STATES)[number];
