import type { GatewayRoutes } from '../../../gateway/deps';
import { expectedVersion } from '../../../gateway/if-match';
import { commandMetadata } from '../../../gateway/plugins/correlation';
import { ADMINS, commandErrors, IfMatchHeaders, READERS, readErrors } from '../../../gateway/schemas';
import type { SubscriptionCommands } from '../commands';
import type { SubscriptionMatcher } from '../process-manager';
import type { SubscriptionQueries } from '../read-model/queries';
import {
  BackfillBody,
  BackfillResult,
  SubscriptionAccepted,
  SubscriptionBody,
  SubscriptionJson,
  SubscriptionPage,
  SubscriptionParams,
  SubscriptionPatch,
  SubscriptionsQuery,
} from './schemas';

export interface SubscriptionRouteDeps {
  queries: Pick<SubscriptionQueries, 'list' | 'get'>;
  commands: SubscriptionCommands;
  matcher: Pick<SubscriptionMatcher, 'backfill'>;
}

const tags = ['subscriptions'];

/**
 * Subscriptions: rules by which a network receives cleared assets. Admins
 * manage them; operators, auditors and viewers read. Reads come from the
 * read model; commands answer with what the subscription's stream says.
 */
export function subscriptionRoutes(deps: SubscriptionRouteDeps): GatewayRoutes {
  const { queries, commands, matcher } = deps;
  return async (app) => {
    app.get(
      '/subscriptions',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'List subscriptions newest first',
          querystring: SubscriptionsQuery,
          response: { 200: SubscriptionPage, ...readErrors },
        },
      },
      async (request) => queries.list(request.query),
    );

    app.get(
      '/subscriptions/:id',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'One subscription: its rule, enabled, how many assets it took',
          params: SubscriptionParams,
          response: { 200: SubscriptionJson, ...readErrors },
        },
      },
      async (request) => queries.get(request.params.id),
    );

    app.post(
      '/subscriptions',
      {
        config: { roles: ADMINS },
        schema: {
          tags,
          summary: 'Make a subscription: the network receives every cleared asset the rule takes, from now on',
          body: SubscriptionBody,
          response: { 201: SubscriptionAccepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { id } = await commands.create(request.body, commandMetadata(request));
        return reply.code(201).send(await commands.current(id));
      },
    );

    app.patch(
      '/subscriptions/:id',
      {
        config: { roles: ADMINS },
        schema: {
          tags,
          summary: 'Change a subscription’s rule, or enable or disable it',
          params: SubscriptionParams,
          headers: IfMatchHeaders,
          body: SubscriptionPatch,
          response: { 200: SubscriptionAccepted, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        await commands.change(id, request.body, commandMetadata(request), expectedVersion(request.headers));
        return commands.current(id);
      },
    );

    app.delete(
      '/subscriptions/:id',
      {
        config: { roles: ADMINS },
        schema: {
          tags,
          summary: 'Remove a subscription; what it sent stays sent',
          params: SubscriptionParams,
          headers: IfMatchHeaders,
          response: { 200: SubscriptionAccepted, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const before = await commands.current(id);
        const { version } = await commands.remove(id, commandMetadata(request), expectedVersion(request.headers));
        return { ...before, enabled: false, version };
      },
    );

    app.post(
      '/subscriptions/:id/backfill',
      {
        config: { roles: ADMINS },
        schema: {
          tags,
          summary: 'Apply the subscription to assets already cleared since a time; answers with the counts',
          params: SubscriptionParams,
          body: BackfillBody,
          response: { 200: BackfillResult, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { since } = request.body;
        const counts = await matcher.backfill(id, since, commandMetadata(request));
        return { subscriptionId: id, since, ...counts };
      },
    );
  };
}
