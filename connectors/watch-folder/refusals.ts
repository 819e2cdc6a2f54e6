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
 * still there is said once more. A listing forgets only what was said before
 * it began: an item refused from a watcher event while a listing that missed
 * it was under way is not forgotten (and said again) by that listing.
 */
export function createDropRefusals(deps: DropRefusalsDeps) {
  const { network, store, logger, clock } = deps;
  const said = new Map<string, { identity: string; round: number }>();
  let round = 0;
  return {
    /** `path` is relative to the node root. */
    async refuse(path: string, stats: Stats | undefined, refusal: Refusal): Promise<void> {
      const identity = `${stats?.dev ?? ''}:${stats?.ino ?? ''}:${stats?.mtimeMs ?? ''}:${refusal.rule}`;
      if (said.get(path)?.identity === identity) return;
      said.set(path, { identity, round });
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
    /** Call before a listing starts; give its answer to `retain` with what the listing found. */
    beginListing(): number {
      return ++round;
    },
    /** Forgets paths said before the listing `listing` began that it no longer found. */
    retain(paths: ReadonlySet<string>, listing: number): void {
      for (const [path, { round: at }] of said) if (at < listing && !paths.has(path)) said.delete(path);
    },
  };
}
