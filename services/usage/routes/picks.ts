import type { Role } from '../../gateway/auth';
import type { GatewayRoutes } from '../../gateway/deps';
import { expectedVersion } from '../../gateway/if-match';
import { actorOf, commandMetadata } from '../../gateway/plugins/correlation';
import { assertCanDownload, visibleNetworks } from '../../gateway/rights';
import { commandErrors, readErrors } from '../../gateway/schemas';
import { AuthError, NotFoundError, ValidationError } from '../../../lib/errors';
import type { UsageCommands } from '../commands';
import type { PickSend, PickState } from '../domain/pick';
import type { UsageQueries } from '../read-model/queries';
import {
  PickBody,
  PickItemBody,
  PickItemParams,
  PickJson,
  PickPage,
  PickParams,
  PickSendBody,
  PicksQuery,
  SendAccepted,
} from './schemas';
import { assertAssetExists } from './visible';

/** People who keep picks (an auditor reads, a connector is no person). */
export const PICKERS: readonly Role[] = ['admin', 'operator', 'viewer'];
/** A send fetches every item: the roles that may fetch (POST /v1/assets/{id}/fetch), less the connector. */
export const SENDERS: readonly Role[] = ['admin', 'operator'];

export interface PickRouteDeps {
  commands: UsageCommands;
  queries: Pick<UsageQueries, 'picks'>;
  /** Configured network ids: a send names one of these. */
  networks: readonly string[];
  /** How long a send waits for the store to say what each item became. @default 5000 */
  sendAnswerWaitMs?: number;
}

const tags = ['picks'];

const sendJson = (s: PickSend) => ({
  sendId: s.sendId,
  network: s.network,
  ...(s.lane ? { lane: s.lane } : {}),
  sentAt: s.sentAt,
  answered: s.items !== undefined,
  items: s.items ?? s.assetIds.map((assetId) => ({ assetId, outcome: 'requested' as const })),
});

const pickJson = (p: PickState) => ({
  id: p.pickId,
  owner: p.owner,
  name: p.name,
  items: p.items,
  sends: p.sends.map(sendJson),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  version: p.version,
});

/**
 * Picks: a user's named bins of assets. A pick is its owner's: anyone else
 * is told it does not exist (admins may read every pick). An asset goes in
 * only if the owner may see it; a send fetches every item into a network.
 */
export function pickRoutes(deps: PickRouteDeps): GatewayRoutes {
  const { commands, queries } = deps;
  const waitMs = deps.sendAnswerWaitMs ?? 5000;
  return async (app) => {
    app.get(
      '/picks',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Your picks, newest first (all=true: everyone’s, admins)',
          querystring: PicksQuery,
          response: { 200: PickPage, ...commandErrors },
        },
      },
      async (request) => {
        const principal = request.principal!;
        const { all, ...page } = request.query;
        if (all && principal.role !== 'admin')
          throw new AuthError(403, 'all=true lists every user’s picks: admins only');
        return queries.picks({ ...page, ...(all ? {} : { owner: actorOf(principal) }) });
      },
    );

    app.post(
      '/picks',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Make a pick: a named bin of assets of your own',
          body: PickBody,
          response: { 201: PickJson, ...commandErrors },
        },
      },
      async (request, reply) => {
        const state = await commands.create(request.body.name, commandMetadata(request));
        return reply.code(201).send(pickJson(state));
      },
    );

    app.get(
      '/picks/:id',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'One pick: its items and its sends with what each item became',
          params: PickParams,
          response: { 200: PickJson, ...readErrors },
        },
      },
      async (request) => {
        const principal = request.principal!;
        return pickJson(
          await commands.pick(request.params.id, actorOf(principal), { anyOwner: principal.role === 'admin' }),
        );
      },
    );

    app.patch(
      '/picks/:id',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Rename a pick',
          params: PickParams,
          body: PickBody,
          response: { 200: PickJson, ...commandErrors },
        },
      },
      async (request) => {
        const { state } = await commands.rename(
          request.params.id,
          request.body.name,
          commandMetadata(request),
          expectedVersion(request.headers),
        );
        return pickJson(state);
      },
    );

    app.delete(
      '/picks/:id',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Delete a pick; what it sent stays sent',
          params: PickParams,
          response: { 204: { type: 'null' }, ...commandErrors },
        },
      },
      async (request, reply) => {
        await commands.remove(request.params.id, commandMetadata(request), expectedVersion(request.headers));
        return reply.code(204).send();
      },
    );

    app.post(
      '/picks/:id/items',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Put an asset you may see into the pick',
          params: PickParams,
          body: PickItemBody,
          response: { 200: PickJson, ...commandErrors },
        },
      },
      async (request) => {
        await assertAssetExists(request, request.body.assetId);
        const { state } = await commands.addItem(request.params.id, request.body.assetId, commandMetadata(request));
        return pickJson(state);
      },
    );

    app.delete(
      '/picks/:id/items/:assetId',
      {
        config: { roles: PICKERS },
        schema: {
          tags,
          summary: 'Take an asset out of the pick',
          params: PickItemParams,
          response: { 200: PickJson, ...commandErrors },
        },
      },
      async (request) => {
        const { id, assetId } = request.params;
        return pickJson((await commands.removeItem(id, assetId, commandMetadata(request))).state);
      },
    );

    app.post(
      '/picks/:id/send',
      {
        config: { roles: SENDERS },
        schema: {
          tags,
          summary: 'Fetch every item into a network (as POST /v1/assets/{id}/fetch); 202 with what each became',
          params: PickParams,
          body: PickSendBody,
          response: { 202: SendAccepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const { id } = request.params;
        const { network, lane } = request.body;
        if (!deps.networks.includes(network)) {
          throw new ValidationError(`network: "${network}" is not a configured network (${deps.networks.join(', ')})`, {
            field: 'network',
          });
        }
        // Full-quality bytes land where the user asked: the download right, within the user's browse scope.
        assertCanDownload(principal);
        const scope = visibleNetworks(principal);
        if (scope && !scope.includes(network)) {
          throw new AuthError(403, `network ${network} is outside your browse scope (networks: ${scope.join(', ')})`);
        }
        const current = await commands.pick(id, actorOf(principal));
        for (const assetId of current.items) await assertAssetExists(request, assetId);
        const { sendId } = await commands.send(id, { network, ...(lane ? { lane } : {}) }, commandMetadata(request));
        const send = await commands.answer(id, sendId, waitMs);
        if (!send) throw new NotFoundError(`pick ${id} not found`);
        return reply.code(202).send({ pickId: id, ...sendJson(send) });
      },
    );
  };
}
