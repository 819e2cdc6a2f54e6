import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../lib/errors';
import type { GatewayRoutes } from '../deps';
import { assertAssetVisible, visibleNetworks } from '../rights';
import { EventJson, eventJson, READERS, readErrors, StreamId } from '../schemas';

const StreamParams = Type.Object({ id: StreamId });

const Timeline = Type.Object({
  streamId: Type.String(),
  version: Type.Integer({ minimum: 1, description: 'Version of the stream: the number of its events' }),
  items: Type.Array(EventJson, { description: 'Every event of the stream, oldest first' }),
});

/**
 * The timeline of one stream (an asset's or a transfer's history). It reads
 * the stream from the event store, not from `rm_timeline`, so it is right
 * even before projections have caught up or exist at all.
 */
export const streamRoutes: GatewayRoutes = async (app, { deps }) => {
  app.get(
    '/streams/:id',
    {
      config: { roles: READERS },
      schema: {
        tags: ['events'],
        summary: 'The timeline of one stream',
        params: StreamParams,
        response: { 200: Timeline, ...readErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      // An asset's history is the asset: a scoped reader sees it only where it sees the asset.
      if (id.startsWith('asset-')) await assertAssetVisible(request, id.slice('asset-'.length));
      const events = await deps.store.readStream(id);
      const last = events[events.length - 1];
      const absent = new NotFoundError(`stream ${id} does not exist (no events were appended to it)`);
      if (!last) throw absent;
      // A transfer's history, as GET /v1/transfers/{id}: a scoped reader sees those from or into its networks.
      const scope = visibleNetworks(request.principal!);
      if (scope && id.startsWith('transfer-')) {
        const { sourceNetwork, targetNetwork } = events[0]!.data as { sourceNetwork?: string; targetNetwork?: string };
        if (![sourceNetwork, targetNetwork].some((n) => n !== undefined && scope.includes(n))) throw absent;
      }
      return { streamId: id, version: last.version, items: events.map(eventJson) };
    },
  );
};
