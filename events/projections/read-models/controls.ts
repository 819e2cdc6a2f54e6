import type { Projection } from '../projection';
import { at } from '../projection';

type Data = Record<string, unknown>;

/** Admin controls as every hub process reads them: paused networks, bandwidth, lane channels. */
export const controlsProjection: Projection = {
  name: 'controls',
  tables: [
    { name: 'rm_networks', key: ['network'] },
    { name: 'rm_lanes', key: ['lane'] },
  ],
  handles: ['NetworkPaused', 'NetworkResumed', 'NetworkBandwidthSet', 'LaneConfigured'],
  async apply(tx, e) {
    const d = e.data as Data;
    const position = e.position.toString();
    const network = (set: string, params: unknown[]) =>
      tx
        .query(
          `insert into rm_networks (network, updated_at, last_position) values ($1, $2, $3)
         on conflict (network) do nothing`,
          [d.network, at(e), '0'],
        )
        .then(() =>
          tx.query(
            `update rm_networks set ${set}, updated_at = $2, last_position = $3
            where network = $1 and last_position < $3`,
            [d.network, at(e), position, ...params],
          ),
        );
    switch (e.type) {
      case 'NetworkPaused':
        await network(`paused = true, reason = $4`, [d.reason ?? null]);
        return;
      case 'NetworkResumed':
        await network(`paused = false, reason = null`, []);
        return;
      case 'NetworkBandwidthSet':
        await network(`bandwidth_mbps = $4`, [d.bandwidthMbps]);
        return;
      case 'LaneConfigured':
        await tx.query(
          `insert into rm_lanes (lane, updated_at, last_position) values ($1, $2, '0') on conflict (lane) do nothing`,
          [d.lane, at(e)],
        );
        await tx.query(
          `update rm_lanes set channels = case when $4 then $5::int else channels end,
                  bandwidth_mbps = case when $6 then $7::double precision else bandwidth_mbps end,
                  updated_at = $2, last_position = $3
            where lane = $1 and last_position < $3`,
          [d.lane, at(e), position, 'channels' in d, d.channels ?? null, 'bandwidthMbps' in d, d.bandwidthMbps ?? null],
        );
        return;
    }
  },
};
