import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LANES } from '../../../events/catalog/common';
import { ValidationError } from '../../../lib/errors';
import { isRetryLater, type Job, type Lease, type WorkQueue } from '../../../lib/work-queue/work-queue';

export type LaneName = (typeof LANES)[number];

export interface Channel {
  /** Unique within this process: `<lane>-<n>`. */
  id: string;
  lane: LaneName;
}

export interface LanesOptions<T> {
  /** One queue per lane, shared by every process (BullMQ in production). */
  queues: Record<LaneName, WorkQueue<T>>;
  /** Channels this process adds to each lane. @default { urgent: 4, normal: 12 } */
  channels?: Partial<Record<LaneName, number>>;
  /** Runs one job. Throw `RetryLaterError` to run it again later without spending an attempt. */
  handler: (job: Job<T>, channel: Channel) => Promise<void>;
  /**
   * How long an idle normal channel waits on the normal queue before it looks
   * at the urgent queue again: the longest an urgent job waits to borrow an
   * idle normal channel. @default 250
   */
  pollMs?: number;
  logger: Logger;
}

export interface LaneStatus {
  channels: number;
  busy: number;
}

/** An idle urgent channel blocks this long per round; bounds how long `stop` waits for idle channels. */
const URGENT_BLOCK_MS = 1000;

/**
 * The lane policy (design.md, "Lanes"), written once on top of the
 * WorkQueue port. An urgent channel takes only urgent jobs; a normal channel
 * takes a waiting urgent job first (borrowing), otherwise a normal one.
 * Within a lane, the queue orders by priority (1 highest) then age. Every
 * process that calls this adds its channels to the shared queues.
 */
export function createLanes<T>(options: LanesOptions<T>) {
  const { queues, handler, logger } = options;
  const pollMs = options.pollMs ?? 250;
  const wanted: Record<LaneName, number> = {
    urgent: options.channels?.urgent ?? 4,
    normal: options.channels?.normal ?? 12,
  };
  const channels = new Map<string, { channel: Channel; busy: boolean; retiring: boolean; done: Promise<void> }>();
  let next = 0;
  let running = false;

  /** Urgent channels block on the urgent queue; normal ones look at urgent without waiting, then wait briefly on normal. */
  async function take(lane: LaneName): Promise<Lease<T> | undefined> {
    if (lane === 'urgent') return queues.urgent.take(URGENT_BLOCK_MS);
    return (await queues.urgent.take(0)) ?? (await queues.normal.take(pollMs));
  }

  async function runJob(lease: Lease<T>, channel: Channel): Promise<void> {
    try {
      await handler(lease.job, channel);
      await lease.complete();
    } catch (err) {
      if (isRetryLater(err)) return lease.retryLater(err.delayMs);
      const outcome = await lease.fail(err);
      logger.warn({ err, jobId: lease.job.id, attempt: lease.job.attempt, outcome, channel: channel.id }, 'job failed');
    }
  }

  async function loop(state: { channel: Channel; busy: boolean; retiring: boolean }): Promise<void> {
    while (running && !state.retiring) {
      let lease: Lease<T> | undefined;
      try {
        lease = await take(state.channel.lane);
      } catch (err) {
        logger.error({ err, channel: state.channel.id }, 'taking a job failed');
        await sleep(pollMs);
        continue;
      }
      if (!lease) continue;
      // Taken while stopping or shrinking: hand it back at once rather than start new work.
      if (!running || state.retiring) {
        await lease.retryLater(0).catch((err) => logger.error({ err, jobId: lease.job.id }, 'returning a job failed'));
        break;
      }
      state.busy = true;
      try {
        await runJob(lease, state.channel);
      } catch (err) {
        // Settling failed (lost lock, Redis down): the queue runs the job again; the channel goes on.
        logger.error({ err, jobId: lease.job.id, channel: state.channel.id }, 'settling a job failed');
      } finally {
        state.busy = false;
      }
    }
  }

  function open(lane: LaneName): void {
    const channel: Channel = { id: `${lane}-${(next += 1)}`, lane };
    const state = { channel, busy: false, retiring: false, done: Promise.resolve() };
    state.done = loop(state).finally(() => channels.delete(channel.id));
    channels.set(channel.id, state);
  }

  const active = (lane: LaneName) => [...channels.values()].filter((c) => c.channel.lane === lane && !c.retiring);

  /** Opens or retires channels until the lane has `wanted` of them; retired ones finish their job first. */
  function balance(lane: LaneName): void {
    const current = active(lane);
    for (let n = current.length; n < wanted[lane]; n += 1) open(lane);
    for (const state of current.slice(wanted[lane])) state.retiring = true;
  }

  function checkPriority(priority: number, jobId: string): void {
    if (!Number.isInteger(priority) || priority < 1 || priority > 10) {
      throw new ValidationError(`priority ${priority} of job "${jobId}" must be an integer from 1 (highest) to 10`);
    }
  }

  const other = (lane: LaneName): LaneName => (lane === 'urgent' ? 'normal' : 'urgent');

  return {
    start(): void {
      if (running) return;
      running = true;
      for (const lane of LANES) balance(lane);
    },
    /** Stops taking jobs; resolves once every running handler has finished. */
    async stop(): Promise<void> {
      running = false;
      await Promise.all([...channels.values()].map((c) => c.done));
    },
    async add(data: T, job: { jobId: string; lane: LaneName; priority: number }): Promise<void> {
      checkPriority(job.priority, job.jobId);
      // Already queued in the other lane (moved there): a second copy would run the job twice.
      if (await queues[other(job.lane)].state(job.jobId)) return;
      await queues[job.lane].add(data, { jobId: job.jobId, priority: job.priority });
    },
    /**
     * Gives a queued job a new priority within its lane, or moves it to the
     * other lane under the same id (behind the jobs already waiting at that
     * priority; attempts start again). `false` when the job is running or unknown.
     */
    async move(jobId: string, to: { lane: LaneName; priority: number }): Promise<boolean> {
      checkPriority(to.priority, jobId);
      const from = queues[other(to.lane)];
      const queued = await from.get(jobId);
      if (!queued) return queues[to.lane].changePriority(jobId, to.priority);
      if (queued.state === 'active') return false;
      // remove() refuses a job that started meanwhile, so a job never ends up in both lanes.
      if (!(await from.remove(jobId))) return false;
      await queues[to.lane].add(queued.data, { jobId, priority: to.priority });
      return true;
    },
    async remove(jobId: string): Promise<boolean> {
      const removed = await Promise.all(LANES.map((lane) => queues[lane].remove(jobId)));
      return removed.some(Boolean);
    },
    /** Channels of a lane in this process, at run time: extra ones start, surplus ones stop after their job. */
    setChannels(lane: LaneName, n: number): void {
      if (!Number.isInteger(n) || n < 0) {
        throw new ValidationError(`channels of lane ${lane} must be a whole number >= 0, got ${n}`);
      }
      wanted[lane] = n;
      if (running) balance(lane);
    },
    status(): Record<LaneName, LaneStatus> {
      const of = (lane: LaneName) => {
        const open = active(lane);
        return { channels: open.length, busy: open.filter((c) => c.busy).length };
      };
      return { urgent: of('urgent'), normal: of('normal') };
    },
  };
}

export type Lanes<T> = ReturnType<typeof createLanes<T>>;
