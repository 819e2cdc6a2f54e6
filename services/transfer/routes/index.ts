import type { GatewayRoutes } from '../../gateway/deps';
import type { TransferCommands } from '../commands';
import type { Lane } from '../domain/transfer';
import type { ProgressBoard } from '../progress';
import type { TransferQueries } from '../read-model/queries';
import { laneRoutes } from './lanes';
import { networkRoutes } from './networks';
import { transferRoutes } from './transfers';

export interface TransferRouteDeps {
  queries: TransferQueries;
  commands: Pick<
    TransferCommands,
    'reprioritize' | 'pause' | 'resume' | 'cancel' | 'retry' | 'send' | 'setNetwork' | 'configureLane'
  >;
  progress: Pick<ProgressBoard, 'read'>;
  /** This process's lanes: channels running and how many are busy now. */
  lanes: () => Record<Lane, { channels: number; busy: number }>;
  /** The channels per lane this process applies (its defaults until an admin sets a figure). */
  controls: { channels(): Record<Lane, number> };
  /** Configured network ids. */
  networks: string[];
}

/** The transfer service's resources: transfers, lanes and networks, one routes file each. */
export function createTransferRoutes(deps: TransferRouteDeps): GatewayRoutes {
  return async (app, options) => {
    await app.register(transferRoutes(deps), options);
    await app.register(laneRoutes(deps), options);
    await app.register(networkRoutes(deps), options);
  };
}
