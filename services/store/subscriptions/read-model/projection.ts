import type { AssetEvent } from '../../../../events/catalog/asset-events';
import type { SubscriptionEvent } from '../../../../events/catalog/subscription-events';
import type { Stored } from '../../../../events/catalog/stored';
import { at, defineProjection } from '../../../../events/projections/projection';
import type { Sql } from '../../../../lib/db/sql';
import type { MatchEvent } from '../domain/asset-match';
import { ruleOf } from '../domain/subscription';

type Handled = SubscriptionEvent | MatchEvent | Extract<AssetEvent, { type: 'AssetCleared' }>;

async function update(tx: Sql, e: Stored<SubscriptionEvent>, set: string, params: unknown[] = []): Promise<void> {
  await tx.query(
    `update rm_subscriptions set ${set}, updated_at = $2, last_position = $3, version = $4
      where subscription_id = $1 and last_position < $3`,
    [e.data.subscriptionId, at(e), e.position.toString(), e.version, ...params],
  );
}

/**
 * Subscriptions as admins list them (rule, enabled, how many assets each
 * took), and every cleared asset with when it was cleared, which a backfill
 * walks. A removed subscription leaves the list; its events stay in the log.
 */
export const subscriptionsProjection = defineProjection<Handled>({
  name: 'subscriptions',
  tables: [
    { name: 'rm_subscriptions', key: ['subscription_id'] },
    { name: 'rm_cleared_assets', key: ['asset_id'] },
  ],
  handles: [
    'SubscriptionCreated',
    'SubscriptionChanged',
    'SubscriptionDisabled',
    'SubscriptionEnabled',
    'SubscriptionRemoved',
    'SubscriptionMatched',
    'AssetCleared',
  ],
  async apply(tx, e) {
    switch (e.type) {
      case 'SubscriptionCreated':
        await tx.query(
          `insert into rm_subscriptions (subscription_id, network, rule, enabled, created_by, created_at, updated_at,
                                         version, last_position)
           values ($1, $2, $3, $4, $5, $6, $6, $7, $8) on conflict (subscription_id) do nothing`,
          [
            e.data.subscriptionId,
            e.data.network,
            JSON.stringify(ruleOf(e.data)),
            e.data.enabled,
            e.metadata.actor,
            at(e),
            e.version,
            e.position.toString(),
          ],
        );
        return;
      case 'SubscriptionChanged':
        return update(tx, e, 'network = $5, rule = $6', [e.data.network, JSON.stringify(ruleOf(e.data))]);
      case 'SubscriptionDisabled':
        return update(tx, e, 'enabled = false');
      case 'SubscriptionEnabled':
        return update(tx, e, 'enabled = true');
      case 'SubscriptionRemoved':
        await tx.query('delete from rm_subscriptions where subscription_id = $1', [e.data.subscriptionId]);
        return;
      case 'SubscriptionMatched':
        // On the asset's stream: the row's version stays the subscription stream's; the position guards a replay.
        await tx.query(
          `update rm_subscriptions set matches = matches + 1, last_matched_at = $2, last_position = $3
            where subscription_id = $1 and last_position < $3`,
          [e.data.subscriptionId, at(e), e.position.toString()],
        );
        return;
      case 'AssetCleared':
        // A rescreened asset cleared again counts from its latest clearance.
        await tx.query(
          `insert into rm_cleared_assets (asset_id, cleared_at, last_position) values ($1, $2, $3)
           on conflict (asset_id) do update set cleared_at = excluded.cleared_at, last_position = excluded.last_position
            where rm_cleared_assets.last_position < excluded.last_position`,
          [e.data.assetId, at(e), e.position.toString()],
        );
        return;
    }
  },
});
