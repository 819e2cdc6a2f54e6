import type { Logger } from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import { createRelay } from '../../events/backbone/relay';
import { createCheckpointer } from '../../events/integrity/checkpointer';
import { loadSigningKey } from '../../events/integrity/keys';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../../events/projections';
import type { CleanupStack } from '../../lib/cleanup-stack';
import type { HubConfig } from '../config';
import type { Storage } from '../storage';

export interface ProjectionsPartDeps {
  config: HubConfig;
  storage: Storage;
  backbone: Backbone;
  logger: Logger;
}

/** Resolves once every projection has applied the log up to its head at the time of the call. */
async function projectionsAtHead(store: Storage['store'], runner: ProjectionRunner): Promise<void> {
  await runner.caughtUp(await store.headPosition());
}

/**
 * What follows the log: the projections (read models), the relay to the
 * backbone and the signed checkpoints. Registered so that stop halts the
 * projections, then flushes the relay, then signs a last checkpoint, after
 * the services (registered later) have stopped appending.
 */
export function openProjectionsPart(deps: ProjectionsPartDeps, stack: CleanupStack) {
  const { config, backbone, logger } = deps;
  const { sql, store } = deps.storage;
  const key = loadSigningKey(config.checkpoints.keyFile);
  const checkpointer = createCheckpointer(
    { sql, key, backbone, logger: logger.child({ component: 'checkpointer' }) },
    { exportFile: config.checkpoints.exportFile, intervalMs: config.checkpoints.intervalMs },
  );
  let signing = false;
  // Its stop signs a last checkpoint: a start-up that failed before it started has nothing new to sign.
  stack.defer('checkpointer', () => (signing ? checkpointer.stop() : undefined));
  // Lingering for fuller batches pays on Kafka; the in-process backbone hands each event on at once, so there a
  // linger is only a second read of the log per batch.
  const lingerMs = config.profile === 'production' ? undefined : 0;
  const relay = createRelay({ sql, store, backbone, lingerMs, logger: logger.child({ component: 'relay' }) });
  stack.defer('relay', () => relay.stop());
  const projections = allProjections();
  const runner = createProjectionRunner({
    sql,
    store,
    projections,
    logger: logger.child({ component: 'projections' }),
  });
  stack.defer('projections', () => runner.stop());
  return {
    key,
    checkpointer,
    relay,
    runner,
    projections,
    catchUp: () => projectionsAtHead(store, runner),
    async start(): Promise<void> {
      await runner.start();
      relay.start();
      signing = true;
      checkpointer.start();
    },
  };
}

export type ProjectionsPart = ReturnType<typeof openProjectionsPart>;
