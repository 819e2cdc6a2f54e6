import { FetchRequested } from '../../../events/catalog/replica-events';
import { isEvent } from '../../../events/catalog/stored';
import type { EventStore } from '../../../events/store/event-store';
import { stamp } from '../../../events/stamp';
import { HubError, IdempotencyError } from '../../../lib/errors';
import { uuidFromName } from '../../../lib/ids';
import { assertReadable } from '../content/reading';
import { chooseSource, type LinkStats } from '../domain/choose-source';
import type { Replica, ReplicaQueries } from '../read-model/queries';

export interface FetchDeps {
  queries: Pick<ReplicaQueries, 'asset' | 'replicasOf'>;
  store: EventStore;
  links: LinkStats;
  clock?: () => Date;
}

export interface FetchInput {
  assetId: string;
  /** The network that wants the asset on its node (checked as known by the caller). */
  network: string;
  lane?: 'urgent' | 'normal';
  priority?: number;
  /** Who asks, and the request's correlation id: the envelope of FetchRequested. */
  actor: string;
  correlationId: string;
  /** The event the fetch answers (a pick's send); absent, the request itself. */
  causationId?: string;
}

export type FetchOutcome =
  { held: true; replica: Replica } | { held: false; transferId: string; source: { network: string; path: string } };

/**
 * The transfer a fetch makes, derived so that two fetches of the same asset
 * to the same network at once make one: from the asset, the network and how
 * many copies the network has had of it (a copy evicted since makes room for
 * a new fetch, with a new id).
 */
export const fetchTransferId = (assetId: string, network: string, copiesBefore: number) =>
  uuidFromName(`fetch:${assetId}:${network}:${copiesBefore}`);

/**
 * A network asks for an asset on its own node. When the node holds a good
 * replica, that is the answer and nothing moves. Otherwise the replica of
 * least expected time is chosen (`chooseSource`) and `FetchRequested` goes on
 * the asset's stream under an id derived from the transfer's; the transfer
 * service turns it into the transfer (into the node's `cache/`). Only a
 * cleared asset is fetched (409 otherwise).
 */
export async function requestFetch(deps: FetchDeps, input: FetchInput): Promise<FetchOutcome> {
  const { queries, store, links } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { assetId, network } = input;
  const asset = await queries.asset(assetId);
  assertReadable(asset);
  const replicas = await queries.replicasOf(assetId);
  const held = replicas.find((r) => r.network === network && r.state === 'ok');
  if (held) return { held: true, replica: held };
  // Only the asset's own bytes travel: a target holding a rendition (another format, another SHA-256) is no source.
  const originals = replicas.filter((r) => r.sha256 === asset.sha256);
  const choice = chooseSource(originals, network, asset.sizeBytes, links);
  if (!choice) {
    throw new HubError(
      'MXHUB_ERR_NO_REPLICA',
      `asset ${assetId} has no replica to fetch from now (none in state ok on a node that is up)`,
      503,
      true,
    );
  }
  const transferId = fetchTransferId(assetId, network, replicas.filter((r) => r.network === network).length);
  const source = { network: choice.replica.network, path: choice.replica.path };
  const event = {
    type: 'FetchRequested' as const,
    data: {
      assetId,
      network,
      transferId,
      sourceNetwork: source.network,
      sourcePath: source.path,
      ...(input.lane ? { lane: input.lane } : {}),
      ...(input.priority ? { priority: input.priority } : {}),
    },
  };
  const stamped = stamp([event], {
    actor: input.actor,
    now: clock().toISOString(),
    newId: () => uuidFromName(`fetch-requested:${transferId}`),
    correlationId: input.correlationId,
    causationId: input.causationId ?? input.correlationId,
  });
  try {
    await store.append(`asset-${assetId}`, stamped, 'any');
  } catch (err) {
    // Someone asked first (a concurrent fetch): that request stands, with the source it chose.
    if (!(err instanceof IdempotencyError)) throw err;
    const first = (await store.readStream(`asset-${assetId}`)).find(
      (e) => isEvent(FetchRequested, e) && e.data.transferId === transferId,
    );
    if (first && isEvent(FetchRequested, first))
      return { held: false, transferId, source: { network: first.data.sourceNetwork, path: first.data.sourcePath } };
    throw err;
  }
  return { held: false, transferId, source };
}
