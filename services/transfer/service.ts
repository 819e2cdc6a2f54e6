import type { Logger } from 'pino';
import type { Backbone, BackboneConsumer } from '../../events/backbone/backbone';
import type { StoredEvent } from '../../events/envelope';
import type { EventStore } from '../../events/store/event-store';
import { isEvent, isTransferEvent, NetworkPaused, NetworkResumed } from '../../events/catalog';
import { loadState } from '../../events/handle-command';
import type { Sql } from '../../lib/db/sql';
import type { NodeLayoutMonitor } from '../../lib/node-layout';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import { createTransferControls, type RateLimited } from './controls';
import { createTransferQueries } from './read-model/queries';
import { transferDecider } from './domain/decide';
import type { Lane } from './domain/transfer';
import { createLanes } from './lanes/lanes';
import type { ProgressBoard } from './progress';
import type { Renderer } from './transcode/renderer';
import type { Copier } from './copier/copier';
import type { Throttle } from './copier/throttle';
import { createTransferRequester } from './requests';
import { createTransferSaga, type TransferJob } from './saga';

export interface TransferServiceDeps<B extends RateLimited & Throttle> {
  store: EventStore;
  sql: Sql;
  backbone: Backbone;
  queues: { urgent: WorkQueue<TransferJob>; normal: WorkQueue<TransferJob> };
  copier: Copier;
  bucket: (bytesPerSecond: number | null) => B;
  progress: ProgressBoard;
  /** Makes the renditions of transfers that deliver one (services/transfer/transcode/renderer.ts). */
  renderer?: Renderer;
  networks: Array<{ id: string; root: string }>;
  /** The networks' node layouts (last probed, or probed now); transfers wait while their target's is unsound. */
  nodes: Pick<NodeLayoutMonitor, 'status' | 'check'>;
  worker: string;
  /** Brings the read models to the head (the sweep trusts them only then). */
  catchUp: () => Promise<void>;
  logger: Logger;
}

export interface TransferServiceOptions {
  channels: Record<Lane, number>;
  laneMbps: Record<Lane, number | null>;
  maxAttempts: number;
  /** @default 60000 */
  sweepIntervalMs?: number;
}

export const transferJobId = (transferId: string) => `transfer.${transferId}`;

const QUEUEING = new Set(['TransferRequested', 'TransferResumed', 'TransferRetried', 'TransferCancelled']);

/**
 * The transfer service in one process: lanes of channels running sagas, the
 * backbone consumers that request a transfer per target of a cleared asset
 * and queue transfers as they are requested, moved,
 * paused or cancelled, the admin controls, and the sweep that re-derives the
 * queue from the read model (after a crash of the embedded hub or a Redis
 * restart nothing is lost).
 */
export function createTransferService<B extends RateLimited & Throttle>(
  deps: TransferServiceDeps<B>,
  options: TransferServiceOptions,
) {
  const { store, logger } = deps;
  const queries = createTransferQueries(deps.sql);
  const controls = createTransferControls({
    queries,
    bucket: deps.bucket,
    defaults: { channels: options.channels, laneMbps: options.laneMbps },
    // Called only once started, after `lanes` below exists.
    onChannels: (lane, n) => lanes.setChannels(lane, n),
    onNetworkResumed: (network) => void sweep({ network }).catch((err) => logger.error({ err }, 'queueing failed')),
    logger,
  });
  const saga = createTransferSaga(
    {
      store,
      copier: deps.copier,
      networks: deps.networks,
      isPaused: controls.isPaused,
      nodes: deps.nodes,
      throttles: controls.throttles,
      progress: deps.progress,
      ...(deps.renderer ? { renderer: deps.renderer } : {}),
      worker: deps.worker,
      logger,
    },
    { maxAttempts: options.maxAttempts },
  );
  const lanes = createLanes<TransferJob>({
    queues: deps.queues,
    channels: options.channels,
    handler: (job, channel) => saga.run(job, channel),
    logger,
  });
  const requester = createTransferRequester({ store, logger });
  const consumers: BackboneConsumer[] = [];
  let timer: NodeJS.Timeout | undefined;

  const enqueue = (transferId: string, lane: Lane, priority: number) =>
    lanes.add({ transferId }, { jobId: transferJobId(transferId), lane, priority });

  /**
   * Queues what the read model says is waiting (optionally for one network); idempotent by job id. In the
   * order the lanes would serve them, so idle channels do not grab a normal task before the urgent ones are in.
   */
  async function sweep(filter: { network?: string } = {}): Promise<number> {
    await deps.catchUp();
    // Cleared assets whose requests were lost are asked for again; idempotent by id.
    for (const assetId of await queries.clearedWithoutTransfers()) await requester.request(assetId);
    let queued = 0;
    for (const r of await queries.waiting(filter)) {
      if (controls.isPaused(r.targetNetwork)) continue;
      await enqueue(r.transferId, r.lane, r.priority);
      queued += 1;
    }
    return queued;
  }

  async function onEvent(event: StoredEvent): Promise<void> {
    // The controls come from their read model, which may not have applied this event yet: bring it there first,
    // or a transfer could start into a network paused a moment ago (until the next poll).
    if (isEvent(NetworkPaused, event)) {
      await deps.catchUp();
      return controls.refresh();
    }
    if (isEvent(NetworkResumed, event)) {
      await deps.catchUp();
      await controls.refresh();
      await sweep({ network: event.data.network });
      return;
    }
    if (!isTransferEvent(event)) return;
    const { transferId } = event.data;
    if (event.type === 'TransferReprioritized') {
      await lanes.move(transferJobId(transferId), { lane: event.data.lane, priority: event.data.priority });
      return;
    }
    if (event.type === 'TransferPaused') {
      await lanes.remove(transferJobId(transferId));
      return;
    }
    if (!QUEUEING.has(event.type)) return;
    // A request says where it goes and in which lane; later events are queued where the stream now says.
    const state =
      event.type === 'TransferRequested'
        ? event.data
        : await loadState(store, `transfer-${transferId}`, transferDecider);
    if (event.type === 'TransferCancelled') await lanes.remove(transferJobId(transferId));
    if (controls.isPaused(state.targetNetwork) && event.type !== 'TransferCancelled') return;
    // A cancelled transfer is queued once more so its saga compensates what it had done.
    await enqueue(transferId, state.lane, state.priority);
  }

  return {
    controls,
    lanes: () => lanes,
    sweep,
    async start(): Promise<void> {
      await controls.start();
      lanes.start();
      consumers.push(
        await deps.backbone.consume({ groupId: 'mxhub.transfer-requests', categories: ['asset'] }, (event) =>
          requester.handle(event),
        ),
        await deps.backbone.consume({ groupId: 'mxhub.transfers', categories: ['transfer', 'network'] }, onEvent),
      );
      // A fetch or repair asked for just before a crash may have no transfer yet: ask again (a day back).
      const lost = await requester.requestLost(new Date(Date.now() - 86_400_000).toISOString());
      if (lost > 0) logger.info({ lost }, 'fetch and repair transfers asked again after a crash');
      const queued = await sweep();
      if (queued > 0) logger.info({ queued }, 'transfers re-derived from the read model');
      timer = setInterval(() => {
        sweep().catch((err) => logger.error({ err }, 'transfer sweep failed'));
      }, options.sweepIntervalMs ?? 60_000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      controls.stop();
      for (const c of consumers.splice(0)) await c.stop();
      saga.stop();
      await lanes.stop();
      await deps.queues.urgent.close();
      await deps.queues.normal.close();
      await deps.progress.close();
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
