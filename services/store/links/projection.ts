import type { TransferEvent } from '../../../events/catalog';
import type { Stored } from '../../../events/catalog/stored';
import { at, defineProjection } from '../../../events/projections/projection';
import { copyRate, nextEwma } from './ewma';

type LinkEvent = Extract<
  TransferEvent,
  { type: 'TransferRequested' | 'TransferStarted' | 'TransferVerified' | 'TransferCompleted' }
>;

const pos = (e: Stored<LinkEvent>) => e.position.toString();

/**
 * Measured links (writer): every completed transfer is one sample of its
 * (source, target) link, bytes over copy time, folded into an EWMA. Copy
 * time runs from the transfer's last start (a resume starts again, from
 * `resumeFrom`) to its verification: queueing, pauses and the commit are not
 * the link's. Transfers name their source network on request (an asset's
 * origin, or the replica a fetch chose).
 */
export const linksProjection = defineProjection<LinkEvent>({
  name: 'links',
  tables: [
    { name: 'rm_link_transfers', key: ['transfer_id'] },
    { name: 'rm_links', key: ['source_network', 'target_network'] },
  ],
  handles: ['TransferRequested', 'TransferStarted', 'TransferVerified', 'TransferCompleted'],
  async apply(tx, e) {
    switch (e.type) {
      case 'TransferRequested':
        await tx.query(
          `insert into rm_link_transfers (transfer_id, source_network, target_network, last_position)
           values ($1, $2, $3, $4) on conflict (transfer_id) do nothing`,
          [e.data.transferId, e.data.sourceNetwork, e.data.targetNetwork, pos(e)],
        );
        return;
      case 'TransferStarted':
        await tx.query(
          `update rm_link_transfers set started_at = $2, resume_from = $3, copied_bytes = null, copy_ms = null,
                  last_position = $4
            where transfer_id = $1 and last_position < $4`,
          [e.data.transferId, at(e), e.data.resumeFrom, pos(e)],
        );
        return;
      case 'TransferVerified':
        await tx.query(
          `update rm_link_transfers
              set copied_bytes = $2::bigint - resume_from,
                  copy_ms = extract(epoch from ($3::timestamptz - started_at)) * 1000, last_position = $4
            where transfer_id = $1 and last_position < $4 and started_at is not null`,
          [e.data.transferId, e.data.bytes, at(e), pos(e)],
        );
        return;
      case 'TransferCompleted': {
        const [t] = await tx.query<{ s: string; t: string; bytes: string | null; ms: number | null }>(
          `update rm_link_transfers set last_position = $2 where transfer_id = $1 and last_position < $2
           returning source_network as s, target_network as t, copied_bytes as bytes, copy_ms as ms`,
          [e.data.transferId, pos(e)],
        );
        const rate = t ? copyRate(Number(t.bytes ?? 0), Number(t.ms ?? 0)) : undefined;
        if (!t || rate === undefined) return;
        const [link] = await tx.query<{ bps: number }>(
          `select bytes_per_second as bps from rm_links where source_network = $1 and target_network = $2`,
          [t.s, t.t],
        );
        await tx.query(
          `insert into rm_links as l (source_network, target_network, bytes_per_second, samples,
                                      last_bytes_per_second, last_sample_at, last_position)
           values ($1, $2, $3, 1, $4, $5, $6)
           on conflict (source_network, target_network) do update
             set bytes_per_second = excluded.bytes_per_second, samples = l.samples + 1,
                 last_bytes_per_second = excluded.last_bytes_per_second,
                 last_sample_at = excluded.last_sample_at, last_position = excluded.last_position
           where l.last_position < excluded.last_position`,
          [t.s, t.t, nextEwma(link ? Number(link.bps) : undefined, rate), rate, at(e), pos(e)],
        );
        return;
      }
    }
  },
});
