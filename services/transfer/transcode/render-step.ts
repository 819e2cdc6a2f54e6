import type { Logger } from 'pino';
import { assetDecider } from '../../../domain/asset/decide';
import { loadState } from '../../../events/handle-command';
import type { EventStore } from '../../../events/store/event-store';
import type { TransferCommand } from '../domain/decide';
import type { TransferState } from '../domain/transfer';
import type { ProgressBoard } from '../progress';
import { RenditionError, type Renderer } from './renderer';

/** What the saga lends its render step: its store, its appends and its way of watching for a pause or cancel. */
export interface RenderStepDeps {
  store: EventStore;
  renderer?: Pick<Renderer, 'render'>;
  progress: ProgressBoard;
  worker: string;
  logger: Logger;
  /** The root of the source network's node, where the rendition is made. */
  sourceRoot: (state: TransferState) => string;
  /** Appends what the command decides on `state`; undefined when someone else wrote first. */
  apply: (state: TransferState, command: TransferCommand) => Promise<TransferState | undefined>;
  /** Aborts `controller` once the transfer's stream moves on (a pause, a cancel); returns how to stop watching. */
  watch: (state: TransferState, controller: AbortController) => () => void;
  /** The saga's running steps, which its stop aborts. */
  inflight: Set<AbortController>;
}

/** An event's reason holds at most this much: the tail (ffmpeg's own words) is the part kept. */
const REASON_MAX = 2000;

/**
 * The saga's render step: makes the rendition the copy then delivers instead
 * of the original, on the renderer's own limiter; a pause, a cancel or the
 * hub stopping meanwhile kills ffmpeg. A rendition ffmpeg cannot make, or
 * that does not meet the target's policy, fails the transfer for good with
 * the reason (ending with ffmpeg's).
 */
export function createRenderStep(deps: RenderStepDeps) {
  return async function renderStep(state: TransferState, channel: string): Promise<TransferState | undefined> {
    const started = await deps.apply(state, { type: 'StartRendition' });
    if (!started) return undefined;
    const renderer = deps.renderer;
    if (!renderer)
      return deps.apply(started, { type: 'FailRendition', reason: 'this hub process makes no renditions' });
    const asset = await loadState(deps.store, `asset-${state.assetId}`, assetDecider);
    const profile = started.rendition!.profile;
    const { durationSeconds: seconds, width, height } = asset.technical ?? {};
    const controller = new AbortController();
    const stop = deps.watch(started, controller);
    deps.inflight.add(controller);
    try {
      const made = await renderer.render({
        transferId: state.transferId,
        profile,
        source: state.sourcePath ?? asset.stagedPath,
        originalName: asset.originalName,
        sourceRoot: deps.sourceRoot(state),
        target: state.targetNetwork,
        // Screening measured the source: no second probe before rendering.
        ...(typeof width === 'number' && typeof height === 'number' ? { raster: { width, height } } : {}),
        durationSeconds: typeof seconds === 'number' ? seconds : undefined,
        signal: controller.signal,
        onProgress: (p) =>
          deps.progress.report(state.transferId, {
            bytesDone: 0,
            bytesTotal: 0,
            bytesPerSecond: 0,
            channel,
            worker: deps.worker,
            at: Date.now(),
            rendering: { profile, ...p },
          }),
      });
      return await deps.apply(started, { type: 'RecordRendition', ...made });
    } catch (err) {
      if (controller.signal.aborted) return undefined; // paused, cancelled or stopping: the next pass reads which
      if (!(err instanceof RenditionError)) throw err;
      deps.logger.warn({ transferId: state.transferId, profile, err: err.message }, 'rendition failed');
      const reason = err.message.length > REASON_MAX ? `…${err.message.slice(1 - REASON_MAX)}` : err.message;
      return deps.apply(started, { type: 'FailRendition', reason });
    } finally {
      deps.inflight.delete(controller);
      stop();
    }
  };
}
