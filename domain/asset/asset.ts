import type { StoredEvent } from '../../events/envelope';
import { isAssetEvent, type AssetEvent, type TargetOutcome } from '../../events/catalog/asset-events';
import type { Stored } from '../../events/catalog/stored';
import { fold, type StreamState } from '../../events/decider';
import { sidecarNameFor } from '../../formats/sidecar/sidecar';

/** The screening stages, in the order they run. `sidecar` runs only for assets that came with a sidecar file. */
export const STAGES = ['whitelist', 'intrusion', 'antivirus', 'analysis', 'sidecar'] as const;
export type Stage = (typeof STAGES)[number];

export type AssetStatus =
  'none' | 'detected' | 'ingested' | 'screening' | 'cleared' | 'quarantined' | 'released' | 'deleted';

export interface QuarantineFacts {
  stage: Stage;
  rule: string;
  reason: string;
  path: string;
}

/** What screening needs to know about one asset, folded from its stream. */
export interface AssetState extends StreamState {
  status: AssetStatus;
  /** Stream version: the expected version of the next append. */
  version: number;
  assetId: string;
  sourceNetwork: string;
  targets: string[];
  originalName: string;
  sizeBytes: number;
  sha256: string;
  /** Where the claimed file lives under hub control while it is screened and delivered. */
  stagedPath: string;
  /** The actor that detected the file (`connector:<network>`). */
  detectedBy: string;
  correlationId: string;
  lastEventId: string;
  sidecar?: Record<string, unknown>;
  /**
   * Staged name of the sidecar file the unit came with, known once the
   * connector parsed it or refused it. Kept when it was refused, so a
   * rescreen runs the sidecar stage (which parses the file again) instead
   * of taking "no sidecar parsed" for "no sidecar".
   */
  sidecarFile?: string;
  /** True once an operator asked for a rescreen: stages then judge the unit's files afresh. */
  rescreen: boolean;
  /** Stages passed in the current round (a rescreen starts a new round). */
  passed: Stage[];
  technical?: Record<string, unknown>;
  deferred?: { stage: Stage; reason: string };
  quarantine?: QuarantineFacts;
  /** Priority the sidecar asks for, on the transfer scale: 1 (highest) to 10 (lowest). */
  sidecarPriority?: number;
  /** Each target's policy outcome, as the analysis of the current round found it; settled on clearing. */
  targetOutcomes: Record<string, TargetOutcome>;
  /** Targets whose policy refused the asset (AssetRefused): they will not receive it. */
  refused: Record<string, { rule: string; reason: string }>;
  /** Targets whose policy refused the original but names a house profile: they receive a rendition. */
  renditions: Record<string, string>;
}

export const initialAssetState = (): AssetState => ({
  status: 'none',
  version: 0,
  assetId: '',
  sourceNetwork: '',
  targets: [],
  originalName: '',
  sizeBytes: 0,
  sha256: '',
  stagedPath: '',
  detectedBy: '',
  correlationId: '',
  lastEventId: '',
  rescreen: false,
  passed: [],
  targetOutcomes: {},
  refused: {},
  renditions: {},
});

const renditionsOf = (outcomes: Record<string, TargetOutcome>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(outcomes).flatMap(([target, o]) => (o.outcome === 'transcode' ? [[target, o.profile]] : [])),
  );

/** Folds one of the asset's events into the state. Pure. */
export function evolve(state: AssetState, event: Stored<AssetEvent>): AssetState {
  const next: AssetState = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'AssetDetected': {
      const d = event.data;
      return {
        ...next,
        status: 'detected',
        assetId: d.assetId,
        sourceNetwork: d.sourceNetwork,
        targets: d.targets,
        originalName: d.originalName,
        sizeBytes: d.sizeBytes,
        detectedBy: event.metadata.actor,
        correlationId: event.metadata.correlationId,
      };
    }
    case 'AssetIngested': {
      const { sha256, sizeBytes, stagedPath } = event.data;
      return { ...next, status: 'ingested', sha256, sizeBytes, stagedPath };
    }
    case 'SidecarParsed': {
      const { sidecar } = event.data;
      const sidecarPriority = typeof sidecar.priority === 'number' ? sidecar.priority : undefined;
      return {
        ...next,
        sidecar,
        sidecarFile: state.sidecarFile ?? sidecarNameFor(state.originalName),
        ...(sidecarPriority ? { sidecarPriority } : {}),
      };
    }
    case 'AssetScreened': {
      const d = event.data;
      return {
        ...next,
        // A sidecar verdict (the connector's refusal among them) means the unit has a sidecar file.
        ...(d.stage === 'sidecar' ? { sidecarFile: state.sidecarFile ?? sidecarNameFor(state.originalName) } : {}),
        status: 'screening',
        passed: d.passed ? [...state.passed, d.stage] : state.passed,
        technical: d.technical ?? state.technical,
        deferred: undefined,
        ...(d.targetOutcomes ? { targetOutcomes: d.targetOutcomes, renditions: renditionsOf(d.targetOutcomes) } : {}),
      };
    }
    case 'AssetRefused': {
      const { target, rule, reason } = event.data;
      return { ...next, refused: { ...state.refused, [target]: { rule, reason } } };
    }
    case 'ScreeningDeferred':
      return { ...next, deferred: { stage: event.data.stage, reason: event.data.reason } };
    case 'AssetCleared':
      return { ...next, status: 'cleared', deferred: undefined };
    case 'AssetQuarantined': {
      const { stage, rule, reason, quarantinePath } = event.data;
      return {
        ...next,
        status: 'quarantined',
        deferred: undefined,
        quarantine: { stage, rule, reason, path: quarantinePath },
      };
    }
    case 'AssetReleased':
      // A rescreen starts over; an override is followed by AssetCleared in the same append.
      return event.data.mode === 'rescreen'
        ? {
            ...next,
            status: 'released',
            rescreen: true,
            passed: [],
            technical: undefined,
            targetOutcomes: {},
            refused: {},
            renditions: {},
          }
        : { ...next, status: 'released' };
    case 'AssetDeleted':
      return { ...next, status: 'deleted' };
    case 'ReplicaStored':
      return next;
    case 'MetadataChanged':
      return { ...next, sidecar: event.data.after };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const foldAsset = (events: readonly StoredEvent[]): AssetState =>
  fold({ initialState: initialAssetState, evolve, isEvent: isAssetEvent }, events);

/** The targets a cleared asset still goes to: its targets but those their policy refused. */
export const goingTargets = (s: Pick<AssetState, 'targets' | 'refused'>): string[] =>
  s.targets.filter((target) => !(target in s.refused));

/** True while screening still has work to do on the asset. */
export const isScreenable = (s: AssetState): boolean =>
  s.status === 'ingested' || s.status === 'screening' || s.status === 'released';

/** The stage to run next, or undefined when none is left (or the asset is not being screened). */
export function nextStage(s: AssetState): Stage | undefined {
  if (!isScreenable(s)) return undefined;
  const hasSidecar = s.sidecar !== undefined || s.sidecarFile !== undefined;
  return STAGES.find((stage) => !s.passed.includes(stage) && (stage !== 'sidecar' || hasSidecar));
}
