import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { HubConfig } from '../config';
import { pingRedis } from '../redis';
import { openStorage, type Storage } from '../storage';

/** Makes each network's node folders: drop/<target>/ for every other network, and inbox/. */
function prepareNetworks(config: HubConfig): void {
  for (const n of config.networks) {
    mkdirSync(join(n.root, 'inbox'), { recursive: true });
    for (const target of config.networks)
      if (target.id !== n.id) mkdirSync(join(n.root, 'drop', target.id), { recursive: true });
  }
}

/**
 * The data directory, the networks' node folders and the event store, opened
 * first and so closed last. In production an unreachable Redis fails here,
 * before anything is open (the queues would otherwise retry it forever).
 */
export async function openStoragePart(config: HubConfig, stack: CleanupStack): Promise<Storage> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (config.profile === 'production') await pingRedis(config.redisUrl!);
  prepareNetworks(config);
  const storage = await openStorage(config);
  stack.defer('storage', () => storage.close());
  return storage;
}
