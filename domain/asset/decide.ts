import { isAssetEvent, type AssetEvent, type TargetOutcome } from '../../events/catalog/asset-events';
import type { Decider } from '../../events/decider';
import { StateError } from '../../lib/errors';
import { evolve, initialAssetState, nextStage, type AssetState, type Stage } from './asset';
import { changeMetadata, type MetadataPatch } from './metadata';

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
      /** Analysis: each target's policy outcome. A policy refusal is per target, never a quarantine. */
      targetOutcomes?: Record<string, TargetOutcome>;
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
  | { type: 'DeleteAsset'; reason: string }
  | { type: 'ChangeMetadata'; patch: MetadataPatch };

/** The asset's events without `assetId`, which `decide` adds from the state. */
type Fact<E extends AssetEvent = AssetEvent> = E extends AssetEvent
  ? { type: E['type']; data: Omit<E['data'], 'assetId'> }
  : never;

const ofAsset = (state: AssetState, facts: Fact[]): AssetEvent[] =>
  facts.map((f) => ({ type: f.type, data: { assetId: state.assetId, ...f.data } }) as AssetEvent);

function recordVerdict(command: Extract<ScreeningCommand, { type: 'RecordVerdict' }>, state: AssetState): Fact[] {
  const expected = nextStage(state);
  if (expected !== command.stage) {
    throw new StateError(
      `asset ${state.assetId}: a ${command.stage} verdict is not expected now (status ${state.status}, next stage ${expected ?? 'none'})`,
      { assetId: state.assetId, stage: command.stage },
    );
  }
  const events: Fact[] = [];
  const add = (fact: Fact) => events.push(fact);
  const { verdict } = command;
  // A sidecar the connector refused and a rescreen accepts is recorded, so delivery carries it.
  if (verdict.passed && verdict.sidecar && state.sidecar === undefined)
    add({ type: 'SidecarParsed', data: { sidecar: verdict.sidecar } });
  add({
    type: 'AssetScreened',
    data: {
      stage: command.stage,
      passed: verdict.passed,
      ...(verdict.passed ? {} : { rule: verdict.rule, reason: verdict.reason }),
      ...(verdict.engines ? { engines: verdict.engines } : {}),
      ...(verdict.technical ? { technical: verdict.technical } : {}),
      ...(verdict.passed && verdict.targetOutcomes ? { targetOutcomes: verdict.targetOutcomes } : {}),
    },
  });
  if (!verdict.passed) {
    if (!command.quarantinePath) throw new StateError(`asset ${state.assetId}: a refusal needs the quarantine path`);
    add({
      type: 'AssetQuarantined',
      data: {
        stage: command.stage,
        rule: verdict.rule,
        reason: verdict.reason,
        quarantinePath: command.quarantinePath,
      },
    });
  } else if (nextStage({ ...state, passed: [...state.passed, command.stage] }) === undefined) {
    events.push(...cleared({ ...state, targetOutcomes: verdict.targetOutcomes ?? state.targetOutcomes }));
  }
  return events;
}

/**
 * Clearing settles the policy outcomes: each target whose policy refused the
 * file (naming no profile) gets its AssetRefused, before the AssetCleared
 * that names the targets still going, so whoever reacts to the clearing finds
 * the refusals folded. An asset every target refused is still cleared: it
 * stays on its origin, like a pool asset. Clearing also records the origin
 * copy as a replica: the claimed file stays in the origin node's hub area
 * (its staging), so from now on it is a copy the store may serve or fetch
 * from, pool asset or not.
 */
function cleared(state: AssetState, override?: true): Fact[] {
  const refusals: Fact[] = state.targets.flatMap((target) => {
    const o = state.targetOutcomes[target];
    return o?.outcome === 'refused' ? [{ type: 'AssetRefused', data: { target, rule: o.rule, reason: o.reason } }] : [];
  });
  const going = state.targets.filter((target) => state.targetOutcomes[target]?.outcome !== 'refused');
  return [
    ...refusals,
    { type: 'AssetCleared', data: { targets: going, ...(override ? { override } : {}) } },
    {
      type: 'ReplicaStored',
      data: {
        network: state.sourceNetwork,
        path: state.stagedPath,
        sha256: state.sha256,
        kind: 'origin',
        sizeBytes: state.sizeBytes,
      },
    },
  ];
}

/**
 * The asset aggregate: what each command means for one asset, as the events
 * to append with expected version `state.version`. Pure; throws `StateError`
 * when the asset's state does not allow the command.
 */
export function decide(command: ScreeningCommand, state: AssetState): AssetEvent[] {
  return ofAsset(state, facts(command, state));
}

function facts(command: ScreeningCommand, state: AssetState): Fact[] {
  switch (command.type) {
    case 'RecordVerdict':
      return recordVerdict(command, state);
    case 'DeferStage':
      if (nextStage(state) !== command.stage) return [];
      // One event per outage, not one per retry.
      if (state.deferred?.stage === command.stage && state.deferred.reason === command.reason) return [];
      return [
        {
          type: 'ScreeningDeferred',
          data: { stage: command.stage, reason: command.reason, retryInMs: command.retryInMs },
        },
      ];
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
      return [
        { type: 'AssetReleased', data: { mode: command.mode, reason: command.reason } },
        ...(command.mode === 'override' ? cleared(state, true) : []),
      ];
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
      return [{ type: 'AssetDeleted', data: { reason: command.reason } }];
    case 'ChangeMetadata':
      return changeMetadata(state, command.patch);
    default: {
      const unhandled: never = command;
      throw new StateError(`unknown screening command ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The asset aggregate for `handleCommand` (events/handle-command.ts). */
export const assetDecider: Decider<AssetState, ScreeningCommand, AssetEvent> = {
  initialState: initialAssetState,
  evolve,
  decide,
  isEvent: isAssetEvent,
};
