import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../lib/errors';
import { canSee } from '../../gateway/rights';

/**
 * An asset that exists and that the request's principal may see, else a 404
 * that says no more than "not found" (`assertAssetVisible` lets an unscoped
 * caller through without looking; a pick or a mark needs the asset to exist).
 */
export async function assertAssetExists(request: FastifyRequest, assetId: string): Promise<void> {
  const networks = await request.server.assetNetworks(assetId);
  if (!networks || !canSee(request.principal!, networks)) throw new NotFoundError(`asset ${assetId} not found`);
}
