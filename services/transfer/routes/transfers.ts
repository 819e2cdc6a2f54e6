import { NotFoundError } from '../../../lib/errors';
import type { GatewayRoutes } from '../../gateway/deps';
import { commandMetadata } from '../../gateway/plugins/correlation';
import { visibleNetworks } from '../../gateway/rights';
import {
  AssetParams,
  CHANGERS,
  commandErrors,
  IfMatchHeaders,
  READERS,
  ReasonBody,
  readErrors,
} from '../../gateway/schemas';
import { expectedVersion } from '../../gateway/if-match';
import type { TransferCommands } from '../commands';
import type { ProgressBoard, TransferProgress } from '../progress';
import type { TransferItem, TransferQueries } from '../read-model/queries';
import { stepShown } from '../domain/transfer';
import {
  Accepted,
  EmptyBody,
  TransferPage,
  ReprioritizeBody,
  SendBody,
  SendResult,
  TransferDetail,
  TransferParams,
  TransfersQuery,
} from './schemas';

export interface TransfersRouteDeps {
  queries: Pick<TransferQueries, 'list' | 'get'>;
  commands: Pick<TransferCommands, 'reprioritize' | 'pause' | 'resume' | 'cancel' | 'retry' | 'send'>;
  progress: Pick<ProgressBoard, 'read'>;
}

/** The item with live figures of a running copy merged in, and the step running; others get no ETA. */
function withProgress<T extends TransferItem>(
  t: T,
  p: TransferProgress | undefined,
): T & { etaSeconds: number | null } {
  const step = p?.rendering ? 'rendering' : stepShown(t.state, t.step, p !== undefined);
  if (t.state !== 'running' || !p) return { ...t, step, etaSeconds: null };
  if (p.rendering) return { ...t, step, rendering: p.rendering, channel: p.channel || t.channel, etaSeconds: null };
  const total = p.bytesTotal || t.bytesTotal || 0;
  const left = Math.max(0, total - p.bytesDone);
  return {
    ...t,
    step,
    bytesDone: p.bytesDone,
    bytesPerSecond: p.bytesPerSecond,
    channel: p.channel || t.channel,
    etaSeconds: p.bytesPerSecond > 0 ? Math.ceil(left / p.bytesPerSecond) : null,
  };
}

const summaries = {
  pause: 'Pause a queued or running transfer; a running copy stops at a chunk boundary and frees its channel',
  cancel: 'Cancel a transfer that has not succeeded; what it had done is undone',
  retry: 'Queue a failed or cancelled transfer again (a cancelled one once compensated; it starts over)',
};

/**
 * Transfer tasks: reads from the transfers read model (which may lag the
 * log by the projection's delay) with live progress from the board, and
 * the operators' commands, which decide on the transfer stream itself.
 */
export function transferRoutes(deps: TransfersRouteDeps): GatewayRoutes {
  const { queries, commands, progress } = deps;
  return async (app) => {
    app.get(
      '/transfers',
      {
        config: { roles: READERS },
        schema: {
          tags: ['transfers'],
          summary: 'List transfers newest first; finished ones stay listed for the configured history days',
          querystring: TransfersQuery,
          response: { 200: TransferPage, ...readErrors },
        },
      },
      async (request) => {
        const page = await queries.list(request.query, visibleNetworks(request.principal!));
        const running = page.items.filter((t) => t.state === 'running').map((t) => t.id);
        const board = await progress.read(running);
        return { items: page.items.map((t) => withProgress(t, board[t.id])), next: page.next };
      },
    );

    app.get(
      '/transfers/:id',
      {
        config: { roles: READERS },
        schema: {
          tags: ['transfers'],
          summary: 'One transfer: saga step, attempts, bytes done, rate and ETA while running, history once finished',
          params: TransferParams,
          response: { 200: TransferDetail, ...readErrors },
        },
      },
      async (request) => {
        const t = await queries.get(request.params.id);
        // A scoped reader sees the transfers from or into its networks; any other answers as an unknown one.
        const scope = visibleNetworks(request.principal!);
        if (scope && ![t.sourceNetwork, t.targetNetwork].some((n) => n !== null && scope.includes(n)))
          throw new NotFoundError(`transfer ${t.id} does not exist (or the read model has not seen it yet)`);
        const board = t.state === 'running' ? await progress.read([t.id]) : {};
        return withProgress(t, board[t.id]);
      },
    );

    app.patch(
      '/transfers/:id',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary: 'Move a waiting transfer to another lane and/or priority',
          params: TransferParams,
          headers: IfMatchHeaders,
          body: ReprioritizeBody,
          response: { 200: Accepted, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const result = await commands.reprioritize(id, request.body, commandMetadata(request), {
          expectedVersion: expectedVersion(request.headers),
        });
        return { id, version: result.version };
      },
    );

    const verbs = { pause: commands.pause, cancel: commands.cancel, retry: commands.retry };
    for (const verb of ['pause', 'cancel', 'retry'] as const) {
      app.post(
        `/transfers/:id/${verb}`,
        {
          config: { roles: CHANGERS },
          schema: {
            tags: ['transfers'],
            summary: summaries[verb],
            params: TransferParams,
            headers: IfMatchHeaders,
            body: ReasonBody,
            response: { 202: Accepted, ...commandErrors },
          },
        },
        async (request, reply) => {
          const { id } = request.params;
          const result = await verbs[verb](id, request.body?.reason, commandMetadata(request), {
            expectedVersion: expectedVersion(request.headers),
          });
          return reply.status(202).send({ id, version: result.version });
        },
      );
    }

    // TransferResumed carries no reason, so resume takes no body rather than dropping one.
    app.post(
      '/transfers/:id/resume',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary: 'Queue a paused transfer again',
          params: TransferParams,
          headers: IfMatchHeaders,
          body: EmptyBody,
          response: { 202: Accepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const result = await commands.resume(id, commandMetadata(request), {
          expectedVersion: expectedVersion(request.headers),
        });
        return reply.status(202).send({ id, version: result.version });
      },
    );

    app.post(
      '/assets/:assetId/transfers',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary:
            'Send a cleared asset to a network by hand; a repeat answers the existing transfer unless forced, ' +
            'and a 409 naming it when that transfer was cancelled (retry it, or force another copy)',
          params: AssetParams,
          body: SendBody,
          response: { 200: SendResult, 201: SendResult, ...commandErrors },
        },
      },
      async (request, reply) => {
        const result = await commands.send(request.params.assetId, request.body, commandMetadata(request));
        return reply.status(result.created ? 201 : 200).send({ id: result.transferId, created: result.created });
      },
    );
  };
}
