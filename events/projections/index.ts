import { timelineProjection } from '../../services/audit/read-model/projection';
import { catalogProjection } from '../../services/catalog/read-model/projection';
import { mediaProjection } from '../../services/media/read-model/projection';
import { assetsProjection } from '../../services/screening/read-model/projection';
import { linksProjection } from '../../services/store/links/projection';
import { storeProjection } from '../../services/store/read-model/projection';
import { subscriptionsProjection } from '../../services/store/subscriptions/read-model/projection';
import { controlsProjection } from '../../services/transfer/read-model/controls-projection';
import { transfersProjection } from '../../services/transfer/read-model/projection';
import { usageProjection } from '../../services/usage/read-model/projection';
import type { Projection } from './projection';

export type { Projection } from './projection';
export { createProjectionRunner, type ProjectionRunner } from './runner';

/**
 * Every read model of the hub. Each service owns its projection (writer) and
 * queries (reader) in its `read-model/` folder; the runner and replay here
 * only need the list.
 */
export const allProjections = (): Projection[] => [
  assetsProjection,
  transfersProjection,
  timelineProjection,
  controlsProjection,
  storeProjection,
  subscriptionsProjection,
  linksProjection,
  usageProjection,
  catalogProjection,
  mediaProjection,
];
