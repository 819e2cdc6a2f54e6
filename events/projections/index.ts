import { assetsProjection } from './read-models/assets';
import { controlsProjection } from './read-models/controls';
import { timelineProjection } from './read-models/timeline';
import { transfersProjection } from './read-models/transfers';
import type { Projection } from './projection';

export type { Projection } from './projection';
export { createProjectionRunner, type ProjectionRunner } from './runner';

/** Every read model of the hub; later services add theirs here. */
export const allProjections = (): Projection[] => [
  assetsProjection,
  transfersProjection,
  timelineProjection,
  controlsProjection,
];
