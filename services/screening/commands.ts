import type { EventStore } from '../../events/store/event-store';
import {
  commandContext,
  handleCommand,
  type HandleCommandOptions,
  type CommandMeta,
} from '../../events/handle-command';
import { ValidationError } from '../../lib/errors';
import type { Custody } from './custody';
import type { ReleaseInput } from './routes/schemas';
import type { AssetState } from '../../domain/asset/asset';
import { assetDecider, type ScreeningCommand } from '../../domain/asset/decide';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export type { CommandMeta };

export interface ScreeningCommandsDeps {
  store: EventStore;
  custody: Custody;
  clock?: () => Date;
}

/** Options of a command on one asset. */
export interface AssetCommandOptions {
  /** The stream version the caller saw (`If-Match`); another one answers 412 (`PreconditionFailedError`). */
  expectedVersion?: number;
}

/** Admin commands on quarantined assets. Each appends with the expected version, so a race is a 409, not a lost update. */
export function createScreeningCommands(deps: ScreeningCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());

  async function onAsset(
    assetId: string,
    command: ScreeningCommand,
    meta: CommandMeta,
    options: HandleCommandOptions<AssetState>,
  ) {
    const result = await handleCommand(
      deps.store,
      `asset-${assetId}`,
      assetDecider,
      command,
      commandContext(meta, clock),
      { mustExist: `asset ${assetId}`, ...options },
    );
    if (result.conflict) throw result.error;
    return result;
  }

  // The route schema asks for 3 characters; a reason of blanks is still none, and the delete route may have none.
  const requireReason = (reason: unknown) => {
    if (typeof reason !== 'string' || reason.trim().length < 3) {
      throw new ValidationError('reason: a written reason of at least 3 characters is required', { field: 'reason' });
    }
    return reason.trim();
  };

  return {
    /**
     * Releases a quarantined asset: `rescreen` runs every stage again,
     * `override` clears it as it is, with the override and its reason on
     * record. The files move back to staging before the event, so a
     * cleared asset's file is always where delivery looks for it.
     */
    async release(assetId: string, input: ReleaseInput, meta: CommandMeta, options: AssetCommandOptions = {}) {
      const reason = requireReason(input.reason);
      const { nextVersion } = await onAsset(assetId, { type: 'ReleaseAsset', mode: input.mode, reason }, meta, {
        ...options,
        beforeAppend: (state) => deps.custody.release(state),
      });
      return { nextVersion };
    },
    /** Deletes a quarantined asset: the event first, then the files (a crash in between leaves files the sweep removes). */
    async remove(assetId: string, input: { reason: string }, meta: CommandMeta, options: AssetCommandOptions = {}) {
      const reason = requireReason(input.reason);
      const { state, nextVersion } = await onAsset(assetId, { type: 'DeleteAsset', reason }, meta, options);
      await deps.custody.remove(state);
      return { nextVersion };
    },
  };
}

export type ScreeningCommands = ReturnType<typeof createScreeningCommands>;
