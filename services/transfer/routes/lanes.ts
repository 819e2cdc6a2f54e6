import { Type } from '@sinclair/typebox';
import { LANES } from '../../../events/catalog/common';
import { NotFoundError } from '../../../lib/errors';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { ADMINS, commandErrors, READERS, readErrors } from '../../gateway/schemas';
import type { TransferCommands } from '../commands';
import type { Lane } from '../domain/transfer';
import type { LaneRow, TransferQueries } from '../read-model/queries';
import { LaneBody, LaneJson, LaneParams } from './schemas';

export interface LanesRouteDeps {
  queries: Pick<TransferQueries, 'lanes'>;
  commands: Pick<TransferCommands, 'configureLane'>;
  /** This process's lanes: channels running and how many are busy now. */
  lanes: () => Record<Lane, { channels: number; busy: number }>;
  /** The channels per lane this process applies (its defaults until an admin sets a figure). */
  controls: { channels(): Record<Lane, number> };
}

function checkLane(name: string): Lane {
  const lane = LANES.find((l) => l === name);
  if (!lane) throw new NotFoundError(`lane '${name}' does not exist (lanes: ${LANES.join(', ')})`);
  return lane;
}

/**
 * The lanes: channels per process and bandwidth an admin set (the controls
 * read model) with this process's busy channels; every process applies a
 * change within a poll.
 */
export function laneRoutes(deps: LanesRouteDeps): GatewayRoutes {
  async function lane(name: Lane, rows?: LaneRow[]) {
    const row = (rows ?? (await deps.queries.lanes())).find((r) => r.lane === name);
    return {
      name,
      channels: row?.channels ?? deps.controls.channels()[name],
      busy: deps.lanes()[name].busy,
      bandwidthMbps: row?.bandwidthMbps ?? null,
    };
  }

  return async (app) => {
    app.get(
      '/lanes',
      {
        config: { roles: READERS },
        schema: {
          tags: ['lanes'],
          summary: 'Both lanes: channels per process, busy channels of this process, bandwidth',
          response: { 200: Type.Object({ items: Type.Array(LaneJson) }) },
        },
      },
      async () => {
        const rows = await deps.queries.lanes();
        return { items: await Promise.all(LANES.map((l) => lane(l, rows))) };
      },
    );

    app.get(
      '/lanes/:name',
      {
        config: { roles: READERS },
        schema: {
          tags: ['lanes'],
          summary: 'One lane: channels per process, busy channels of this process, bandwidth',
          params: LaneParams,
          response: { 200: LaneJson, ...readErrors },
        },
      },
      async (request) => lane(checkLane(request.params.name)),
    );

    app.patch(
      '/lanes/:name',
      {
        config: { roles: ADMINS },
        schema: {
          tags: ['lanes'],
          summary: 'Set a lane’s channels per process and/or bandwidth (null = unlimited); every process applies it',
          params: LaneParams,
          body: LaneBody,
          response: { 200: LaneJson, ...commandErrors },
        },
      },
      async (request) => {
        const name = checkLane(request.params.name);
        const before = await lane(name);
        await deps.commands.configureLane(name, request.body, commandMetadata(request));
        // The read model catches up within the projection's delay; answer with the lane as it will be.
        return { ...before, ...request.body };
      },
    );
  };
}
