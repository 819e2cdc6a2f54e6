import { assetDecider } from '../../domain/asset/decide';
import type { MetadataPatch } from '../../domain/asset/metadata';
import { commandContext, handleCommand, type CommandMeta } from '../../events/handle-command';
import type { EventStore } from '../../events/store/event-store';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export type { CommandMeta };

export interface CatalogCommandsDeps {
  store: EventStore;
  clock?: () => Date;
}

/**
 * Metadata edits, decided on the asset's own stream (`ChangeMetadata` in
 * domain/asset) against its version: a stale `If-Match` is a 412 and a race
 * a 409, never a lost edit. The answer is what the stream says, not the read
 * model, which may lag.
 */
export function createCatalogCommands(deps: CatalogCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());
  return {
    async changeMetadata(assetId: string, patch: MetadataPatch, meta: CommandMeta, expectedVersion?: number) {
      const result = await handleCommand(
        deps.store,
        `asset-${assetId}`,
        assetDecider,
        { type: 'ChangeMetadata', patch },
        commandContext(meta, clock),
        { mustExist: `asset ${assetId}`, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
      );
      if (result.conflict) throw result.error;
      const changed = result.events[0]?.data as { changed: string[] } | undefined;
      return {
        assetId,
        version: result.nextVersion,
        changed: changed?.changed ?? [],
        metadata: result.after.sidecar ?? {},
      };
    },
  };
}

export type CatalogCommands = ReturnType<typeof createCatalogCommands>;
