import type { Stats } from 'node:fs';
import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import type { ControlEvent } from '../../events/catalog/control-events';
import { stamp } from '../../events/stamp';
import { uuidv7 } from '../../lib/ids';
import type { Refusal } from './drop-entries';

export interface DropRefusalsDeps {
  network: { id: string };
  store: EventStore;
  logger: Logger;
  clock: () => Date;
}

/**
 * Says each refusal of a drop-folder item once: a `DropRefused` event on the
 * node's stream (`network-<id>`) and a warning in the log. "Once" is per
 * path, file identity (device, inode, mtime) and rule, for as long as the
 * item stays: a listing that no longer finds a path forgets it (`retain`),
 * so a new item under an old name is said again. After a restart each item
 * still there is said once more.
 */
export function createDropRefusals(deps: DropRefusalsDeps) {
  const { network, store, logger, clock } = deps;
  const said = new Map<string, string>();
  return {
    /** `path` is relative to the node root. */
    async refuse(path: string, stats: Stats | undefined, refusal: Refusal): Promise<void> {
      const identity = `${stats?.dev ?? ''}:${stats?.ino ?? ''}:${stats?.mtimeMs ?? ''}:${refusal.rule}`;
      if (said.get(path) === identity) return;
      said.set(path, identity);
      const now = clock();
      const id = uuidv7(now.getTime());
      logger.warn({ path, rule: refusal.rule, reason: refusal.reason }, `drop refused: ${path} ${refusal.reason}`);
      try {
        // A refusal starts its own journey: it is its own correlation and cause.
        const events = stamp<ControlEvent>(
          [{ type: 'DropRefused', data: { network: network.id, path, rule: refusal.rule, reason: refusal.reason } }],
          {
            actor: `connector:${network.id}`,
            now: now.toISOString(),
            newId: () => id,
            correlationId: id,
            causationId: id,
          },
        );
        await store.append(`network-${network.id}`, events, 'any');
      } catch (err) {
        said.delete(path); // not said after all: the next listing tries again
        throw err;
      }
    },
    /** Forgets paths a complete listing no longer found. */
    retain(paths: ReadonlySet<string>): void {
      for (const path of said.keys()) if (!paths.has(path)) said.delete(path);
    },
  };
}
