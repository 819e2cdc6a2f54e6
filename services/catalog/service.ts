import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { GatewayRoutes } from '../gateway/deps';
import { createCatalogCommands } from './commands';
import { createCatalogQueries } from './read-model/queries';
import { catalogAssetRoutes } from './routes/assets';
import { catalogTreeRoutes } from './routes/tree';

export interface CatalogServiceDeps {
  store: EventStore;
  sql: Sql;
}

/**
 * The catalog (issue 14 item 4): search over every asset, the folder tree,
 * metadata edits. Its read model is fed by the projection runner
 * (`catalogProjection`); it runs nothing of its own.
 */
export function createCatalogService(deps: CatalogServiceDeps) {
  const queries = createCatalogQueries(deps.sql);
  const commands = createCatalogCommands({ store: deps.store });
  const routes: GatewayRoutes = async (app, options) => {
    await app.register(catalogAssetRoutes({ queries, commands }), options);
    await app.register(catalogTreeRoutes(queries), options);
  };
  return { queries, commands, routes };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
