import type { EventMetadata, NewEvent } from '../../events/envelope';
import { StateError } from '../../lib/errors';
import { nextStage, type AssetState, type Stage } from './asset';

/** One engine's verdict as recorded in an AssetScreened event. */
export interface EngineVerdictData {
  engine: string;
  engineVersion: string;
  signatureVersion: string;
  bytesCovered: number;
  outcome: 'clean' | 'infected' | 'error';
  signature?: string;
  reason?: string;
}

/** A stage's verdict. A refusal names the rule and a reason that quotes no file content. */
export type StageVerdict =
  | {
      passed: true;
      engines?: EngineVerdictData[];
      technical?: Record<string, unknown>;
      /** The sidecar as the sidecar stage parsed it again on a rescreen. */
      sidecar?: Record<string, unknown>;
    }
  | {
      passed: false;
      rule: string;
      reason: string;
      engines?: EngineVerdictData[];
      technical?: Record<string, unknown>;
    };

export type ScreeningCommand =
  | { type: 'RecordVerdict'; stage: Stage; verdict: StageVerdict; quarantinePath?: string }
  | { type: 'DeferStage'; stage: Stage; reason: string; retryInMs: number }
  | { type: 'ReleaseAsset'; mode: 'rescreen' | 'override'; reason: string }
  | { type: 'DeleteAsset'; reason: string };

/** Who and when, passed in so `decide` stays pure. */
export interface CommandContext {
  actor: string;
  now: string;
  newId: () => string;
  /** Defaults to the asset's journey (its correlation id) and its last event. */
  correlationId?: string;
  causationId?: string;
}

const assetEvent =
  (ctx: CommandContext, state: AssetState, previous: NewEvent[]) =>
  (type: string, data: Record<string, unknown>): NewEvent => {
    const metadata: EventMetadata = {
      correlationId: ctx.correlationId ?? state.correlationId,
      causationId: previous.at(-1)?.id ?? ctx.causationId ?? state.lastEventId,
      actor: ctx.actor,
      occurredAt: ctx.now,
    };
    const event = { id: ctx.newId(), type, data: { assetId: state.assetId, ...data }, metadata };
    previous.push(event);
    return event;
  };

function recordVerdict(
  command: Extract<ScreeningCommand, { type: 'RecordVerdict' }>,
  state: AssetState,
  ctx: CommandContext,
): NewEvent[] {
  const expected = nextStage(state);
  if (expected !== command.stage) {
    throw new StateError(
      `asset ${state.assetId}: a ${command.stage} verdict is not expected now (status ${state.status}, next stage ${expected ?? 'none'})`,
      { assetId: state.assetId, stage: command.stage },
    );
  }
  const events: NewEvent[] = [];
  const add = assetEvent(ctx, state, events);
  const { verdict } = command;
  // A sidecar the connector refused and a rescreen accepts is recorded, so delivery carries it.
  if (verdict.passed && verdict.sidecar && state.sidecar === undefined)
    add('SidecarParsed', { sidecar: verdict.sidecar });
  add('AssetScreened', {
    stage: command.stage,
    passed: verdict.passed,
    ...(verdict.passed ? {} : { rule: verdict.rule, reason: verdict.reason }),
    ...(verdict.engines ? { engines: verdict.engines } : {}),
    ...(verdict.technical ? { technical: verdict.technical } : {}),
  });
  if (!verdict.passed) {
    if (!command.quarantinePath) throw new StateError(`asset ${state.assetId}: a refusal needs the quarantine path`);
    add('AssetQuarantined', {
      stage: command.stage,
      rule: verdict.rule,
      reason: verdict.reason,
      quarantinePath: command.quarantinePath,
    });
  } else if (nextStage({ ...state, passed: [...state.passed, command.stage] }) === undefined) {
    add('AssetCleared', { targets: state.targets });
  }
  return events;
}

/**
 * The screening aggregate: what each command means for one asset, as the
 * events to append with expected version `state.version`. Pure; throws
 * `StateError` when the asset's state does not allow the command.
 */
export function decide(command: ScreeningCommand, state: AssetState, ctx: CommandContext): NewEvent[] {
  const events: NewEvent[] = [];
  const add = assetEvent(ctx, state, events);
  switch (command.type) {
    case 'RecordVerdict':
      return recordVerdict(command, state, ctx);
    case 'DeferStage':
      if (nextStage(state) !== command.stage) return [];
      // One event per outage, not one per retry.
      if (state.deferred?.stage === command.stage && state.deferred.reason === command.reason) return [];
      add('ScreeningDeferred', { stage: command.stage, reason: command.reason, retryInMs: command.retryInMs });
      return events;
    case 'ReleaseAsset':
      if (state.status !== 'quarantined') {
        throw new StateError(
          `asset ${state.assetId} is ${state.status}, not quarantined: only a quarantined asset can be released`,
          {
            assetId: state.assetId,
            status: state.status,
          },
        );
      }
      add('AssetReleased', { mode: command.mode, reason: command.reason });
      if (command.mode === 'override') add('AssetCleared', { targets: state.targets, override: true });
      return events;
    case 'DeleteAsset':
      if (state.status !== 'quarantined') {
        throw new StateError(
          `asset ${state.assetId} is ${state.status}, not quarantined: only a quarantined asset can be deleted`,
          {
            assetId: state.assetId,
            status: state.status,
          },
        );
      }
      add('AssetDeleted', { reason: command.reason });
      return events;
    default: {
      const unhandled: never = command;
      throw new StateError(`unknown screening command ${JSON.stringify(unhandled)}`);
    }
  }
}
