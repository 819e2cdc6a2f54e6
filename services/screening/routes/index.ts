import type { GatewayRoutes } from '../../gateway/deps';
import type { ScreeningCommands } from '../commands';
import type { AssetQueries } from '../read-model/queries';
import { assetRoutes } from './assets';
import { quarantineRoutes } from './quarantine';

export interface ScreeningRouteDeps {
  queries: AssetQueries;
  commands: Pick<ScreeningCommands, 'release' | 'remove'>;
}

/** The screening service's resources: assets and the quarantine, one routes file each. */
export function createScreeningRoutes(deps: ScreeningRouteDeps): GatewayRoutes {
  return async (app, options) => {
    await app.register(assetRoutes(deps.queries), options);
    await app.register(quarantineRoutes(deps), options);
  };
}
