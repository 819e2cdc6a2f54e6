import type { Logger } from 'pino';
import type { EventStore } from '../../events/store/event-store';
import { handleCommand, loadState } from '../../events/handle-command';
import { stamp } from '../../events/stamp';
import { HubError } from '../../lib/errors';
import { uuidFromName, uuidv7 } from '../../lib/ids';
import { describeProblems, type NodeLayoutMonitor } from '../../lib/node-layout';
import { RetryLaterError, type Job } from '../../lib/work-queue/work-queue';
import { assetDecider } from '../../domain/asset/decide';
import { transferDecider, type TransferCommand } from './domain/decide';
import { nextAction, type SagaAction, type TransferState } from './domain/transfer';
import { deliverySidecar } from './delivery-sidecar';
import { deliveredFile } from './domain/rendition';
import { renditionIsWhole, type Renderer } from './transcode/renderer';
import { createRenderStep } from './transcode/render-step';
import { houseProfile, renditionName } from '../../formats/house-profiles/profiles';
import { retryDelayMs } from './domain/retry';
import type { Copier, CopyJob } from './copier/copier';
import { CopyError } from './copier/errors';
import type { Throttle } from './copier/throttle';
import type { ProgressBoard } from './progress';

export interface TransferJob {
  transferId: string;
}

export interface SagaDeps {
  store: EventStore;
  copier: Copier;
  networks: Array<{ id: string; root: string }>;
  /** Is the network paused (receives nothing)? */
  isPaused: (network: string) => boolean;
  /**
   * The layouts of the networks' nodes (lib/node-layout.ts): `status` is the
   * last probe's, `check` probes now. A transfer does not start (last probe),
   * reserve, copy or commit (probed now) into an unsound node: it waits and
   * is retried later, as for a paused network.
   */
  nodes: Pick<NodeLayoutMonitor, 'status' | 'check'>;
  /** Token buckets a copy passes through: its lane's and its target network's. */
  throttles: (lane: string, network: string) => Throttle[];
  progress: ProgressBoard;
  /** Makes renditions (TransferRequested.rendition) on its own limiter; a hub without one fails such transfers. */
  renderer?: Pick<Renderer, 'render' | 'remove'>;
  /** This process, for TransferStarted.worker. */
  worker: string;
  logger: Logger;
  clock?: () => Date;
}

export interface SagaOptions {
  /** Retryable failures of one transfer before it fails for good. @default 5 */
  maxAttempts?: number;
  /** How often a running copy looks for an admin's pause or cancel. @default 500 ms */
  controlPollMs?: number;
}

const STEP_OF = { render: 'render', reserve: 'reserve', copy: 'copy', commit: 'commit', register: 'register' } as const;

/** How long a transfer waits for a paused network or an unsound node before it looks again. */
const WAIT_MS = 5000;

// The steps that write into the target node. Compensating is let through: it only removes the
// transfer's own partial files, and holding it would hold a cancel too.
const WRITES_TARGET = new Set<SagaAction>(['reserve', 'copy', 'commit']);
// Before these, a rendition recorded is looked at: gone or damaged (a crash, a cleanup), it is made again.
const READS_RENDITION = new Set<SagaAction>(['reserve', 'copy']);

/**
 * The migration saga of one transfer: start -> reserve -> copy (hashing) ->
 * verify -> commit -> register replica -> completed, each step's completion
 * an event appended against the stream version. A job runs it from wherever
 * the stream says it is, so a restarted process resumes from the last step
 * recorded; a failed or cancelled transfer is compensated (partial file and
 * reservation removed) and says why.
 */
export function createTransferSaga(deps: SagaDeps, options: SagaOptions = {}) {
  const clock = deps.clock ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const pollMs = options.controlPollMs ?? 500;
  const roots = new Map(deps.networks.map((n) => [n.id, n.root]));
  const inflight = new Set<AbortController>();
  let stopping = false;

  const actor = `service:transfer/${deps.worker}`;
  const sourceRoot = (state: TransferState) => roots.get(state.sourceNetwork) ?? '';
  const load = (id: string) => loadState(deps.store, `transfer-${id}`, transferDecider);

  /**
   * Appends what the command decides on the state this pass acted on: the
   * state after it, or undefined when someone else wrote first (the next
   * pass reads the stream and looks again).
   */
  async function apply(state: TransferState, command: TransferCommand): Promise<TransferState | undefined> {
    const context = { actor, now: clock().toISOString(), newId: () => uuidv7(clock().getTime()) };
    const result = await handleCommand(deps.store, `transfer-${state.transferId}`, transferDecider, command, context, {
      state,
    });
    return result.conflict ? undefined : result.after;
  }

  async function copyJob(state: TransferState): Promise<CopyJob> {
    const asset = await loadState(deps.store, `asset-${state.assetId}`, assetDecider);
    const targetRoot = roots.get(state.targetNetwork);
    if (!targetRoot)
      throw new HubError('MXHUB_ERR_CONFIG', `network '${state.targetNetwork}' has no node root`, 500, false);
    // A rendition, once made, is what travels: its bytes, its hash, its name; the sidecar names both hashes.
    const file = deliveredFile(state);
    const profile = state.rendition ? houseProfile(state.rendition.profile) : undefined;
    const made = state.rendition?.created;
    return {
      transferId: state.transferId,
      // A fetch copies the replica it was given (on another node); a delivery the origin copy in staging.
      source: file.path ?? state.sourcePath ?? asset.stagedPath,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      targetRoot,
      folder: state.folder,
      fileName: profile && made ? renditionName(asset.originalName, profile) : asset.originalName,
      // A repair restores the replica's file alone, in place.
      ...(state.restorePath
        ? { restorePath: state.restorePath }
        : {
            sidecar: deliverySidecar(
              asset,
              state.targetNetwork,
              made && profile ? { profile: profile.name, sha256: made.sha256 } : undefined,
            ),
          }),
    };
  }

  /** Aborts `controller` when someone else appends to the stream (pause, cancel) while the copy runs. */
  function watchControls(state: TransferState, controller: AbortController): () => void {
    const timer = setInterval(() => {
      deps.store
        .streamVersion(`transfer-${state.transferId}`)
        .then((v) => v > state.version && controller.abort(new Error('the transfer was paused or cancelled')))
        .catch(() => undefined);
    }, pollMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async function copyAndVerify(
    state: TransferState,
    job: CopyJob,
    channel: string,
  ): Promise<TransferState | undefined> {
    const controller = new AbortController();
    const stop = watchControls(state, controller);
    inflight.add(controller);
    try {
      const result = await deps.copier.copy(job, {
        signal: controller.signal,
        throttles: deps.throttles(state.lane, state.targetNetwork),
        onProgress: (bytesDone, bytesPerSecond) =>
          deps.progress.report(state.transferId, {
            bytesDone,
            bytesTotal: job.sizeBytes,
            bytesPerSecond,
            channel,
            worker: deps.worker,
            at: Date.now(),
          }),
      });
      await deps.copier.verify(job, result);
      return apply(state, { type: 'RecordVerified', sha256: result.sha256, bytes: result.bytes });
    } finally {
      inflight.delete(controller);
      stop();
    }
  }

  const renderStep = createRenderStep({ ...deps, sourceRoot, apply, watch: watchControls, inflight });

  /** The replica goes in the asset stream under an id derived from the transfer, so registering twice is a no-op. */
  async function registerReplica(state: TransferState, path: string, committedAt: string): Promise<void> {
    const { assetId, targetNetwork: network, sha256, transferId } = state;
    const repaired = {
      type: 'ReplicaRepaired' as const,
      data: { assetId, network, path, sha256, fromNetwork: state.sourceNetwork, transferId },
    };
    const replica = {
      type: 'ReplicaStored' as const,
      data: {
        assetId: state.assetId,
        network: state.targetNetwork,
        path,
        // A rendition's replica is the rendition: the fixity audit hashes what is on the node.
        sha256: deliveredFile(state).sha256,
        transferId: state.transferId,
        kind: state.folder === 'cache' ? ('cached' as const) : ('delivered' as const),
        sizeBytes: deliveredFile(state).sizeBytes,
      },
    };
    const stamped = stamp([state.restorePath ? repaired : replica], {
      actor,
      now: committedAt,
      newId: () => uuidFromName(`replica:${state.transferId}`),
      correlationId: state.correlationId,
      causationId: state.lastEventId,
    });
    await deps.store.append(`asset-${state.assetId}`, stamped, 'any');
  }

  const durationMs = (state: TransferState, committedAt: string) =>
    Math.max(0, Date.parse(committedAt) - Date.parse(state.firstStartedAt ?? committedAt));

  /**
   * The file is in place: its replica is registered, then commit and
   * completion go in one append. A crash in between leaves the transfer
   * verified, not committed: the next run commits again (the copier finds
   * its file where it put it) and registers under the same id, once.
   */
  async function commitAndFinish(state: TransferState, job: CopyJob): Promise<TransferState | undefined> {
    const { path } = await deps.copier.commit(job);
    const committedAt = clock().toISOString();
    await registerReplica(state, path, committedAt);
    const { sha256, sizeBytes: bytes } = deliveredFile(state);
    const after = await apply(state, {
      type: 'Finish',
      path,
      sha256,
      bytes,
      durationMs: durationMs(state, committedAt),
    });
    // Delivered: the rendition has done its work (it is the target's replica now).
    if (after && state.rendition) await deps.renderer?.remove(sourceRoot(state), state.transferId);
    return after;
  }

  /** A transfer whose commit was recorded alone (before commit and completion were one append): register, complete. */
  async function register(state: TransferState): Promise<TransferState | undefined> {
    const { path, at: committedAt } = state.committed!;
    await registerReplica(state, path, committedAt);
    const { sha256, sizeBytes: bytes } = deliveredFile(state);
    return apply(state, { type: 'Complete', path, sha256, bytes, durationMs: durationMs(state, committedAt) });
  }

  async function onCopyError(state: TransferState, step: string, err: unknown): Promise<undefined> {
    // Only the copier's own errors are step failures; anything else (store down...) is retried by the queue.
    if (!(err instanceof CopyError)) throw err;
    const failure = err;
    if (failure.code === 'aborted') return undefined; // an admin paused or cancelled: the next pass reads what
    const retryable = failure.retryable && state.attempts < maxAttempts;
    const reason =
      retryable || !failure.retryable
        ? failure.message
        : `${failure.message} (gave up after ${state.attempts} attempts)`;
    await apply(state, { type: 'Fail', reason, retryable, step });
    deps.logger.warn({ transferId: state.transferId, step, code: failure.code, retryable }, 'transfer step failed');
    if (retryable) throw new RetryLaterError(failure.message, retryDelayMs(state.attempts));
    return undefined;
  }

  async function run(job: Job<TransferJob>, channel: { id: string; lane: string }): Promise<void> {
    const id = job.data.transferId;
    let mine = false;
    let cj: CopyJob | undefined;
    // The state the last pass left: each step's append folds into it, so the stream is read again only
    // after a conflict or a failure (someone else wrote, or the next pass must see what happened).
    let known: TransferState | undefined;
    const log = deps.logger.child({ transferId: id, channel: channel.id });
    try {
      for (let pass = 0; pass < 24; pass += 1) {
        // A stopping hub hands the transfer back to the queue; the partial copy stays for whoever resumes it.
        if (stopping) throw new RetryLaterError('the hub is stopping', 0);
        // A step that writes into the node acts on the stream as it is now: an admin's pause or cancel
        // appended since is seen before the step (a version is a cheaper look than a read).
        let state = known ?? (await load(id));
        if (known && WRITES_TARGET.has(nextAction(known, mine))) {
          if ((await deps.store.streamVersion(`transfer-${id}`)) !== known.version) state = await load(id);
        }
        known = undefined;
        let action = nextAction(state, mine);
        const made = state.rendition?.created;
        if (READS_RENDITION.has(action) && made && !(await renditionIsWhole(made.path, made.sizeBytes))) {
          log.warn({ path: made.path }, 'the rendition recorded is gone or damaged: rendering it again');
          action = 'render';
        }
        if (action === 'none') return;
        if (action === 'start' && deps.isPaused(state.targetNetwork)) {
          throw new RetryLaterError(`network ${state.targetNetwork} is paused`, WAIT_MS);
        }
        // Waiting spends no attempt: the node comes back when someone repairs it, not by trying harder.
        // Start goes by the last probe, synchronously as for a pause, so the lanes' start order stays
        // the queue's; each step that writes into the node probes it now.
        let layout = action === 'start' ? deps.nodes.status(state.targetNetwork) : undefined;
        if (WRITES_TARGET.has(action)) layout = await deps.nodes.check(state.targetNetwork);
        if (layout && !layout.sound) {
          throw new RetryLaterError(
            `the node of network ${state.targetNetwork} is unsound: ${describeProblems(layout.problems)}`,
            WAIT_MS,
          );
        }
        // The copy job (source, target, sidecar) is fixed for the transfer: read the asset once per run.
        cj ??= await copyJob(state);
        try {
          switch (action) {
            case 'start':
              known = await apply(state, { type: 'Start', channel: channel.id, worker: deps.worker, resumeFrom: 0 });
              mine = known !== undefined;
              if (mine)
                log.info({ correlationId: state.correlationId, attempt: state.attempts + 1 }, 'transfer started');
              break;
            case 'render':
              known = await renderStep(state, channel.id);
              cj = undefined; // the copy job is the rendition's from now on
              break;
            case 'reserve':
              known = await apply(state, {
                type: 'RecordReserved',
                bytes: deliveredFile(state).sizeBytes,
                tempPath: (await deps.copier.reserve(cj)).tempPath,
              });
              break;
            case 'copy':
              known = await copyAndVerify(state, cj, channel.id);
              break;
            case 'commit':
            case 'register':
              known = action === 'commit' ? await commitAndFinish(state, cj) : await register(state);
              if (known?.committed)
                log.info(
                  { correlationId: state.correlationId, path: known.committed.path },
                  `delivered to ${state.targetNetwork}: ${known.committed.path}`,
                );
              break;
            case 'compensate': {
              const actions = await deps.copier.compensate(cj);
              if (state.rendition && deps.renderer) {
                await deps.renderer.remove(sourceRoot(state), state.transferId);
                actions.push(`removed the ${state.rendition.profile} rendition`);
              }
              known = await apply(state, { type: 'RecordCompensated', actions });
              break;
            }
          }
        } catch (err) {
          if (action === 'start' || action === 'compensate') throw err;
          known = await onCopyError(state, STEP_OF[action], err);
        }
      }
      throw new Error(`transfer ${id}: the saga did not settle after 24 passes`);
    } finally {
      deps.progress.clear(id);
    }
  }

  return {
    run,
    /** Stops running copies at their next chunk boundary (graceful shutdown); their jobs go back to the queue. */
    stop(): void {
      stopping = true;
      for (const c of inflight) c.abort(new Error('the hub is stopping'));
    },
  };
}

export type TransferSaga = ReturnType<typeof createTransferSaga>;
