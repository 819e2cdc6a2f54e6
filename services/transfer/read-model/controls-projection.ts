import type { ControlEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import type { Sql } from '../../../lib/db/sql';

type NetworkEvent = Extract<Stored<ControlEvent>, { data: { network: string } }>;

/** Creates the network's row if needed, then updates it unless it has seen this position already. */
async function network(tx: Sql, e: NetworkEvent, set: string, params: unknown[]): Promise<void> {
  await tx.query(
    `insert into rm_networks (network, updated_at, last_position) values ($1, $2, '0') on conflict (network) do nothing`,
    [e.data.network, at(e)],
  );
  await tx.query(
    `update rm_networks set ${set}, updated_at = $2, last_position = $3 where network = $1 and last_position < $3`,
    [e.data.network, at(e), e.position.toString(), ...params],
  );
}

/** Admin controls as every hub process reads them: paused networks, bandwidth, lane channels. */
export const controlsProjection = defineProjection<ControlEvent>({
  name: 'controls',
  tables: [
    { name: 'rm_networks', key: ['network'] },
    { name: 'rm_lanes', key: ['lane'] },
  ],
  handles: ['NetworkPaused', 'NetworkResumed', 'NetworkBandwidthSet', 'LaneConfigured'],
  async apply(tx, e) {
    switch (e.type) {
      case 'NetworkPaused':
        return network(tx, e, `paused = true, reason = $4`, [e.data.reason ?? null]);
      case 'NetworkResumed':
        return network(tx, e, `paused = false, reason = null`, []);
      case 'NetworkBandwidthSet':
        return network(tx, e, `bandwidth_mbps = $4`, [e.data.bandwidthMbps]);
      case 'LaneConfigured': {
        const d = e.data;
        await tx.query(
          `insert into rm_lanes (lane, updated_at, last_position) values ($1, $2, '0') on conflict (lane) do nothing`,
          [d.lane, at(e)],
        );
        await tx.query(
          `update rm_lanes set channels = case when $4 then $5::int else channels end,
                  bandwidth_mbps = case when $6 then $7::double precision else bandwidth_mbps end,
                  updated_at = $2, last_position = $3
            where lane = $1 and last_position < $3`,
          [
            d.lane,
            at(e),
            e.position.toString(),
            'channels' in d,
            d.channels ?? null,
            'bandwidthMbps' in d,
            d.bandwidthMbps ?? null,
          ],
        );
        return;
      }
    }
  },
});
