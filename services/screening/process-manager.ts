import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { handleCommand, loadState } from '../../events/handle-command';
import { uuidv7 } from '../../lib/ids';
import { RetryLaterError, type Job, type WorkQueue } from '../../lib/work-queue/work-queue';
import type { Custody } from './custody';
import { nextStage, STAGES, type AssetState, type Stage } from '../../domain/asset/asset';
import { assetDecider, type ScreeningCommand, type StageVerdict } from '../../domain/asset/decide';
import type { ScreeningStages } from './stages';

/** A job of the `screening` queue: screen this asset from wherever its stream says it is. */
export interface ScreeningJob {
  assetId: string;
}

export interface ScreeningProcessDeps {
  store: EventStore;
  queue: WorkQueue<ScreeningJob>;
  stages: ScreeningStages;
  custody: Custody;
  logger: Logger;
  clock?: () => Date;
}

export interface ScreeningProcessOptions {
  /** Jobs at once in this process. @default 16 */
  concurrency?: number;
  /** Wait before trying again a stage whose engine is unreachable. @default 5000 */
  retryUnavailableMs?: number;
}

/** The queue job id of an asset: one pending screening per asset, across processes. */
export const screeningJobId = (assetId: string) => `screen.${assetId}`;

const ACTOR = 'service:screening';

/** Refusal when the claimed file is no longer where the hub put it: custody was broken. */
const missingFile: StageVerdict = {
  passed: false,
  rule: 'custody.file-missing',
  reason: 'the claimed file is no longer in hub staging; it cannot be screened or delivered',
};

const missingSidecar: StageVerdict = {
  passed: false,
  rule: 'custody.file-missing',
  reason: 'the claimed sidecar is no longer in hub staging; it cannot be screened again',
};

/**
 * The sidecar file the sidecar stage must parse again, if any: on a rescreen
 * (every stage judges the unit afresh), and whenever a sidecar file exists
 * with no accepted parse on record (the connector refused it).
 */
const sidecarToReparse = (state: AssetState, stage: Stage): string | undefined =>
  stage === 'sidecar' && (state.rescreen || state.sidecar === undefined) ? state.sidecarFile : undefined;

/**
 * The screening process manager. A job loads the asset's stream, runs the
 * next stage, appends its verdict with the stream's version as expected
 * version, and repeats until the asset is cleared or quarantined. Because
 * every step is an event appended against a version, a job that runs twice
 * (a crash, a redelivery, two processes) cannot record a verdict twice: the
 * loser's append fails with a concurrency error, it reloads, and finds the
 * stage done. A stage whose engine is down is deferred, never passed.
 */
export function createScreeningProcessManager(deps: ScreeningProcessDeps, options: ScreeningProcessOptions = {}) {
  const { store, queue, stages, custody, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const retryMs = options.retryUnavailableMs ?? 5000;
  const concurrency = options.concurrency ?? 16;

  const context = (state: AssetState) => ({
    actor: ACTOR,
    now: clock().toISOString(),
    newId: () => uuidv7(clock().getTime()),
    correlationId: state.correlationId,
  });

  /** Appends what `command` decides on the state the stage ran on; false when another writer got there first. */
  async function apply(state: AssetState, command: ScreeningCommand): Promise<boolean> {
    const result = await handleCommand(store, `asset-${state.assetId}`, assetDecider, command, context(state), {
      state,
    });
    return !result.conflict;
  }

  async function runStage(state: AssetState, stage: Stage, job: Job<ScreeningJob>): Promise<void> {
    const log = logger.child({ assetId: state.assetId, correlationId: state.correlationId, stage });
    const path = await custody.locate(state);
    if (!path) {
      log.error({ stagedPath: state.stagedPath }, 'claimed file missing from staging');
      await apply(state, { type: 'RecordVerdict', stage, verdict: missingFile, quarantinePath: state.stagedPath });
      return;
    }
    const sidecarFile = sidecarToReparse(state, stage);
    const sidecarPath = sidecarFile ? await custody.locateSidecar(state, sidecarFile) : undefined;
    if (sidecarFile && !sidecarPath) {
      log.error({ sidecarFile }, 'claimed sidecar missing from staging');
      const quarantinePath = await custody.quarantine(state);
      await apply(state, { type: 'RecordVerdict', stage, verdict: missingSidecar, quarantinePath });
      return;
    }
    const started = Date.now();
    const outcome = await stages.run(stage, { ...state, path, ...(sidecarPath ? { sidecarPath } : {}) });
    if (outcome.kind === 'unavailable') {
      await apply(state, { type: 'DeferStage', stage, reason: outcome.reason, retryInMs: retryMs });
      log.warn({ reason: outcome.reason, retryInMs: retryMs }, 'screening stage deferred: engine unavailable');
      throw new RetryLaterError(outcome.reason, retryMs);
    }
    const { verdict } = outcome;
    // The files go to quarantine before the event says so; a crash in between is undone by `locate`.
    const quarantinePath = verdict.passed ? undefined : await custody.quarantine(state);
    const recorded = await apply(state, {
      type: 'RecordVerdict',
      stage,
      verdict,
      ...(quarantinePath ? { quarantinePath } : {}),
    });
    if (!recorded) return;
    const ms = Date.now() - started;
    // One line per step of a file's life: info when a stage passes, warn when it quarantines the file.
    if (verdict.passed) log.info({ passed: true, ms }, `screened: ${stage} passed`);
    else
      log.warn(
        { passed: false, rule: verdict.rule, ms },
        `quarantined at ${stage}: ${verdict.rule} (${verdict.reason})`,
      );
    if (verdict.passed && !nextStage({ ...state, passed: [...state.passed, stage] })) {
      log.info({ originalName: state.originalName }, `cleared: ${state.originalName}`);
      // A target's policy refusing the format is no threat: said once per target, as a warning an operator can act on.
      for (const [target, o] of Object.entries(verdict.targetOutcomes ?? state.targetOutcomes)) {
        if (o.outcome === 'refused')
          log.warn(
            { target, rule: o.rule },
            `refused for ${target}: ${o.rule} (${o.reason}); still cleared for the others`,
          );
      }
    }
    await job.progress(Math.round(((STAGES.indexOf(stage) + 1) / STAGES.length) * 100));
  }

  async function screen(job: Job<ScreeningJob>): Promise<void> {
    // Bounded: each pass records one stage or loses a race; a stream cannot need more.
    for (let pass = 0; pass < 4 * STAGES.length; pass += 1) {
      const state = await loadState(store, `asset-${job.data.assetId}`, assetDecider);
      const stage = nextStage(state);
      if (!stage) return;
      await runStage(state, stage, job);
    }
    throw new Error(`asset ${job.data.assetId}: screening did not settle after ${4 * STAGES.length} passes`);
  }

  return {
    /** Queues an asset for screening; a no-op while it is queued or running already. */
    enqueue: (assetId: string, priority?: number) =>
      queue.add({ assetId }, { jobId: screeningJobId(assetId), ...(priority ? { priority } : {}) }),
    start(): void {
      queue.process(screen, {
        concurrency,
        onFailed: (job, err, final) =>
          logger[final ? 'error' : 'warn'](
            { err, assetId: (job.data as ScreeningJob).assetId, attempt: job.attempt, final },
            final ? 'screening failed for good; the sweep at next start retries it' : 'screening failed; retrying',
          ),
      });
    },
    screen,
  };
}

export type ScreeningProcessManager = ReturnType<typeof createScreeningProcessManager>;
