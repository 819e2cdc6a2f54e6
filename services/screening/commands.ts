import type { EventStore } from '../../events/store/event-store';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { uuidv7 } from '../../lib/ids';
import type { Custody } from './custody';
import { foldAsset, type AssetState } from '../../domain/asset/asset';
import { decide, type ScreeningCommand } from '../../domain/asset/decide';

/** Who asks, and the request's correlation (from `commandMetadata(request)` at the gateway). */
export interface CommandMeta {
  actor: string;
  correlationId: string;
  causationId?: string;
}

export interface ScreeningCommandsDeps {
  store: EventStore;
  custody: Custody;
  clock?: () => Date;
}

export interface ReleaseInput {
  mode: 'rescreen' | 'override';
  reason: string;
}

/** Admin commands on quarantined assets. Each appends with the expected version, so a race is a 409, not a lost update. */
export function createScreeningCommands(deps: ScreeningCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());

  async function load(assetId: string): Promise<AssetState> {
    const state = foldAsset(await deps.store.readStream(`asset-${assetId}`));
    if (state.version === 0) throw new NotFoundError(`asset ${assetId} does not exist`);
    return state;
  }

  const decideFor = (state: AssetState, command: ScreeningCommand, meta: CommandMeta) =>
    decide(command, state, {
      actor: meta.actor,
      now: clock().toISOString(),
      newId: () => uuidv7(clock().getTime()),
      correlationId: meta.correlationId,
      ...(meta.causationId ? { causationId: meta.causationId } : {}),
    });

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
    async release(assetId: string, input: ReleaseInput, meta: CommandMeta) {
      const reason = requireReason(input.reason);
      if (input.mode !== 'rescreen' && input.mode !== 'override') {
        throw new ValidationError(`mode: must be 'rescreen' or 'override', got '${String(input.mode)}'`, {
          field: 'mode',
        });
      }
      const state = await load(assetId);
      const events = decideFor(state, { type: 'ReleaseAsset', mode: input.mode, reason }, meta);
      await deps.custody.release(state);
      return deps.store.append(`asset-${assetId}`, events, state.version);
    },
    /** Deletes a quarantined asset: the event first, then the files (a crash in between leaves files the sweep removes). */
    async remove(assetId: string, input: { reason: string }, meta: CommandMeta) {
      const reason = requireReason(input.reason);
      const state = await load(assetId);
      const events = decideFor(state, { type: 'DeleteAsset', reason }, meta);
      const result = await deps.store.append(`asset-${assetId}`, events, state.version);
      await deps.custody.remove(state);
      return result;
    },
  };
}

export type ScreeningCommands = ReturnType<typeof createScreeningCommands>;
