import { create as contentDisposition } from 'content-disposition';
import { Type } from '@sinclair/typebox';
import type { EventStore } from '../../../events/store/event-store';
import { stamp } from '../../../events/stamp';
import { coalesce } from '../../../lib/coalesce';
import { HubError } from '../../../lib/errors';
import { uuidv7 } from '../../../lib/ids';
import { assertNetwork, type Role } from '../../gateway/auth';
import type { GatewayRoutes } from '../../gateway/deps';
import { assertAssetVisible, assertCanDownload } from '../../gateway/rights';
import { actorOf } from '../../gateway/plugins/correlation';
import { openForSending } from '../../gateway/send-file';
import { AssetParams, ErrorResponse, readErrors } from '../../gateway/schemas';
import { assertKnownNetwork, assertReadable, readEvent, servedRange } from '../content/reading';
import { createReadRecorder } from '../content/read-recorder';
import { replicaToRead, type LinkStats } from '../domain/choose-source';
import type { Replica, ReplicaQueries } from '../read-model/queries';

/** Who may download: every reader, and a connector for its own network. */
export const CONTENT_READERS: readonly Role[] = ['admin', 'operator', 'auditor', 'viewer', 'connector'];

export interface ContentRouteDeps {
  queries: Pick<ReplicaQueries, 'asset' | 'goodReplicas'>;
  store: EventStore;
  networks: readonly string[];
  links: LinkStats;
  clock?: () => Date;
}

const ContentQuery = Type.Object(
  {
    network: Type.Optional(
      Type.String({
        description: 'The network reading: served from its own node’s replica when it has one, else the best other',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The body of a content response: the file's bytes (or the range asked for), streamed, never JSON. */
const Bytes = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The file’s bytes' });

/** The good replicas in the order they are tried: the one to read first, then the next best of the rest. */
function inReadOrder(replicas: Replica[], network: string, sizeBytes: number, links: LinkStats): Replica[] {
  const left = [...replicas];
  const order: Replica[] = [];
  for (
    let next = replicaToRead(left, network, sizeBytes, links);
    next;
    next = replicaToRead(left, network, sizeBytes, links)
  ) {
    order.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return order;
}

/**
 * An asset's bytes for browse clients and download tools. Ranges (206, 416
 * beyond the end) are `@fastify/send`'s; the ETag is the asset's SHA-256, the
 * same on every node; the name is the original one, RFC 5987-encoded when it
 * is not ASCII. Each read served is recorded on the asset's stream
 * (`AssetRead`: who, which replica, which range), which is also how the
 * replica's last read is known for eviction. A replica whose file is gone is
 * skipped for the next good one; the fixity audit, not a reader, marks it.
 */
export function contentRoutes(deps: ContentRouteDeps): GatewayRoutes {
  const { queries, store, networks, links } = deps;
  const clock = deps.clock ?? (() => new Date());
  const reads = createReadRecorder(store);
  // Many clients reading one asset at once (ranges of a proxy, a download tool's parallel parts) share one
  // look-up begun after each asked, rather than queueing one each on the database; the requests that one turn of
  // the event loop reads share it even when the database answers at once.
  const lookUp = coalesce(
    async (assetId: string) => {
      const asset = await queries.asset(assetId);
      return { asset, replicas: await queries.goodReplicas(assetId) };
    },
    { gatherTurn: true },
  );
  return async (app) => {
    app.get(
      '/assets/:assetId/content',
      {
        config: { roles: CONTENT_READERS },
        schema: {
          tags: ['store'],
          summary: 'The asset’s bytes (HTTP Range supported), from the reading network’s own replica when it has one',
          params: AssetParams,
          querystring: ContentQuery,
          response: {
            200: Bytes,
            206: Bytes,
            ...readErrors,
            403: ErrorResponse,
            409: ErrorResponse,
            416: ErrorResponse,
            503: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const network = request.query.network ?? principal.network;
        if (network !== undefined) assertKnownNetwork(network, networks);
        // A connector reads for its own network only; without `network` it reads as that network.
        assertNetwork(principal, network ?? '');
        assertCanDownload(principal);
        const { assetId } = request.params;
        await assertAssetVisible(request, assetId);
        const { asset, replicas } = await lookUp(assetId);
        assertReadable(asset);
        // The asset's own bytes, which its ETag names: a rendition a target holds is another file.
        const originals = replicas.filter((r) => r.sha256 === asset.sha256);
        const candidates = inReadOrder(originals, network ?? '', asset.sizeBytes, links);
        for (const replica of candidates) {
          const sent = await openForSending(request, reply, replica.path, `the asset's ${asset.sizeBytes} bytes`);
          if (!sent) continue;
          if (sent.statusCode === 200 || sent.statusCode === 206) {
            const range = servedRange(sent.headers['Content-Range']);
            const bytes = range ? range.end - range.start + 1 : asset.sizeBytes;
            const event = readEvent({
              assetId,
              network: replica.network,
              path: replica.path,
              bytes,
              range,
              forNetwork: network,
            });
            const [stamped] = stamp([event], {
              actor: actorOf(principal),
              now: clock().toISOString(),
              newId: () => uuidv7(clock().getTime()),
              correlationId: request.correlationId,
              causationId: request.correlationId,
            });
            // Recorded before a byte is sent; concurrent readers of the asset share an append.
            await reads.record(`asset-${assetId}`, stamped!);
          }
          reply.code(sent.statusCode);
          reply.headers({
            ...sent.headers,
            etag: `"${asset.sha256}"`,
            'content-disposition': contentDisposition(asset.originalName),
          });
          return reply.send(sent.stream);
        }
        throw new HubError(
          'MXHUB_ERR_NO_REPLICA',
          `asset ${assetId} has no readable replica now (none in state ok whose file is there, on a node that is up)`,
          503,
          true,
        );
      },
    );
  };
}
