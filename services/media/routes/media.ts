import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROXY_KINDS, type ProxyKind } from '../../../events/catalog/media-events';
import type { EventStore } from '../../../events/store/event-store';
import { handleCommand } from '../../../events/handle-command';
import { HubError, NotFoundError } from '../../../lib/errors';
import { uuidv7 } from '../../../lib/ids';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { assertAssetVisible } from '../../gateway/rights';
import { openForSending } from '../../gateway/send-file';
import { AssetParams, CHANGERS, commandErrors, ErrorResponse, READERS, readErrors } from '../../gateway/schemas';
import { mediaDecider } from '../domain/media';
import type { MediaQueries, Rendition } from '../read-model/queries';
import { Bytes, RemakeAccepted, RenditionList } from './schemas';

export interface MediaRouteDeps {
  queries: Pick<MediaQueries, 'renditions'>;
  store: EventStore;
  /** The centre store: rendition paths are relative to it. */
  centerRoot: string;
}

const tags = ['media'];

/** Each GET route, the kinds it serves (the first made wins) and how it names them in a 404. */
const SERVED: Array<{ route: string; kinds: ProxyKind[]; what: string; summary: string }> = [
  {
    route: 'proxy',
    kinds: ['proxy'],
    what: 'browse proxy',
    summary: 'The browse proxy (video/mp4 H.264+AAC at most 640x360 ~1 Mbit/s, or audio/mp4 AAC); HTTP Range supported',
  },
  {
    route: 'poster',
    kinds: ['poster', 'thumbnail'],
    what: 'poster',
    summary: 'A poster frame of a video (about 10% in), or a still’s thumbnail (image/jpeg)',
  },
  {
    route: 'filmstrip',
    kinds: ['filmstrip'],
    what: 'filmstrip',
    summary: 'Thumbnails of a video every N seconds, tiled in one image/jpeg',
  },
  { route: 'waveform', kinds: ['waveform'], what: 'waveform', summary: 'The waveform of an audio file (image/png)' },
];

/** The rendition to serve, or a 404 that says why there is none. */
function pick(
  assetId: string,
  what: string,
  kinds: ProxyKind[],
  found: Awaited<ReturnType<MediaQueries['renditions']>>,
) {
  const rendition = kinds.map((k) => found.byKind.get(k)).find((r) => r !== undefined);
  if (rendition?.state === 'created') return rendition;
  if (rendition?.state === 'failed') {
    throw new NotFoundError(
      `the ${what} of asset ${assetId} could not be made: ${rendition.reason} (POST /v1/assets/${assetId}/proxy makes it again)`,
    );
  }
  if (found.owed)
    throw new NotFoundError(`the ${what} of asset ${assetId} is not made yet: it is queued or being made`);
  if (found.owed === undefined) {
    throw new NotFoundError(
      `asset ${assetId} has no ${what}: no such asset, or it is not cleared (only cleared media is browsed)`,
    );
  }
  const made = PROXY_KINDS.filter((k) => found.byKind.has(k));
  throw new NotFoundError(
    made.length
      ? `asset ${assetId} has no ${what}: its media does not have one (its renditions: ${made.join(', ')})`
      : `asset ${assetId} has no ${what}: it is not video, audio or a still ffmpeg can read`,
  );
}

async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  file: string,
  r: Extract<Rendition, { state: 'created' }>,
) {
  const sent = await openForSending(request, reply, file, `the ${r.sizeBytes} bytes of the ${r.kind}`);
  if (!sent) {
    throw new HubError(
      'MXHUB_ERR_RENDITION_GONE',
      `the ${r.kind} file ${r.path} is gone from the centre store`,
      503,
      true,
    );
  }
  reply.code(sent.statusCode);
  reply.headers({ ...sent.headers, 'content-type': r.mediaType, etag: `"${r.sha256}"` });
  return reply.send(sent.stream);
}

/**
 * Browse renditions from the centre store: every reader that sees the asset
 * (its browse scope) may view them; they are low quality, so they do not
 * need the download right. A remake is an operator's or admin's.
 */
export function mediaRoutes(deps: MediaRouteDeps): GatewayRoutes {
  const { queries, store, centerRoot } = deps;
  return async (app) => {
    app.get(
      '/assets/:assetId/renditions',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'The asset’s browse renditions: each made (with its size, pixels, a filmstrip’s tiles) or why not',
          params: AssetParams,
          response: { 200: RenditionList, ...readErrors },
        },
      },
      async (request) => {
        const { assetId } = request.params;
        await assertAssetVisible(request, assetId);
        const found = await queries.renditions(assetId);
        const route = (kind: ProxyKind) => SERVED.find((s) => s.kinds.includes(kind))!.route;
        const items = [...found.byKind.values()].map((r) =>
          r.state === 'created'
            ? {
                kind: r.kind,
                state: r.state,
                url: `/v1/assets/${assetId}/${route(r.kind)}`,
                mediaType: r.mediaType,
                sizeBytes: r.sizeBytes,
                sha256: r.sha256,
                width: r.width,
                height: r.height,
                bitRate: r.bitRate,
                durationSeconds: r.durationSeconds,
                tiles: r.tiles,
                reason: null,
                madeAt: r.madeAt,
              }
            : {
                kind: r.kind,
                state: r.state,
                url: null,
                mediaType: null,
                sizeBytes: null,
                sha256: null,
                width: null,
                height: null,
                bitRate: null,
                durationSeconds: null,
                tiles: null,
                reason: r.reason,
                madeAt: r.madeAt,
              },
        );
        items.sort((a, b) => PROXY_KINDS.indexOf(a.kind) - PROXY_KINDS.indexOf(b.kind));
        return { owed: found.owed ?? null, items };
      },
    );

    for (const { route, kinds, what, summary } of SERVED) {
      app.get(
        `/assets/:assetId/${route}`,
        {
          config: { roles: READERS },
          schema: {
            tags,
            summary,
            params: AssetParams,
            response: { 200: Bytes, 206: Bytes, ...readErrors, 416: ErrorResponse, 503: ErrorResponse },
          },
        },
        async (request, reply) => {
          const { assetId } = request.params;
          await assertAssetVisible(request, assetId);
          const rendition = pick(assetId, what, kinds, await queries.renditions(assetId));
          return serve(request, reply, join(centerRoot, rendition.path), rendition);
        },
      );
    }

    app.post(
      '/assets/:assetId/proxy',
      {
        config: { roles: CHANGERS },
        schema: {
          tags,
          summary: 'Make the asset’s browse renditions again (proxy, poster, filmstrip, waveform or thumbnail)',
          params: AssetParams,
          response: { 202: RemakeAccepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { assetId } = request.params;
        await assertAssetVisible(request, assetId);
        const meta = commandMetadata(request);
        const result = await handleCommand(
          store,
          `asset-${assetId}`,
          mediaDecider,
          { type: 'RequestProxies' },
          {
            actor: meta.actor,
            now: meta.occurredAt,
            newId: () => uuidv7(),
            correlationId: meta.correlationId,
            causationId: meta.causationId,
          },
          { mustExist: `asset ${assetId}` },
        );
        if (result.conflict) throw result.error;
        return reply.code(202).send({ assetId, requested: result.events.length > 0 });
      },
    );
  };
}
