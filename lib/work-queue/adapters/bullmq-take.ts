import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job as BullJob, type RedisOptions } from 'bullmq';
import type { Logger } from 'pino';
import { settledTwice, type Lease } from '../work-queue';

export interface BullMqTakeDeps {
  name: string;
  prefix: string;
  connection: RedisOptions;
  lockDuration: number;
  attempts: number;
  backoffStrategy: (attemptsMade: number) => number;
  /** The port's id of a BullMQ job (without the adapter's key prefix). */
  portId: (job: BullJob) => string;
  log?: Logger | undefined;
}

interface Taker<T> {
  resolve: (lease: Lease<T> | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * Longest single blocking wait on the queue's marker, in seconds. A pending
 * `take` is answered by its own timer; this only bounds how long the shared
 * wait outlives the takers that started it.
 */
const DRAIN_DELAY_S = 1;

/**
 * `take` for the BullMQ adapter: a processor-less Worker whose jobs are
 * fetched with `getNextJob` and settled by the lease. What BullMQ's own run
 * loop would do is done here: lock renewal for held jobs, and the stalled-job
 * check that hands back the jobs of a holder that died.
 */
export function createBullMqTake<T>(deps: BullMqTakeDeps) {
  const { name, lockDuration, log } = deps;
  const held = new Map<string, { job: BullJob<T>; settled: Promise<void> }>();
  const takers: Taker<T>[] = [];
  let worker: Worker<T> | undefined;
  let renewal: NodeJS.Timeout | undefined;
  let pumping: Promise<void> | undefined;
  let closing = false;

  function open(): Worker<T> {
    if (worker) return worker;
    const w = new Worker<T>(name, null, {
      connection: { ...deps.connection, maxRetriesPerRequest: null },
      prefix: deps.prefix,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: deps.attempts,
      drainDelay: DRAIN_DELAY_S,
      settings: { backoffStrategy: deps.backoffStrategy },
    });
    w.on('error', (err) => log?.error({ err }, 'work queue worker error'));
    w.on('stalled', (jobId) => log?.warn({ jobId }, 'job stalled, its holder is gone: it runs again'));
    // Without a processor BullMQ runs no stalled check: a dead holder's job would stay active for ever.
    w.startStalledCheckTimer().catch((err) => log?.error({ err }, 'stalled-job check did not start'));
    renewal = setInterval(() => void renew(w), lockDuration / 2);
    renewal.unref();
    worker = w;
    return w;
  }

  async function renew(w: Worker<T>): Promise<void> {
    const tokens = [...held.keys()];
    if (tokens.length === 0) return;
    try {
      const lost: string[] = await w.extendJobLocks(
        tokens.map((t) => held.get(t)!.job.id!),
        tokens,
        lockDuration,
      );
      // The lock expired before renewal (event loop stalled): the job may run elsewhere; settling will fail.
      for (const jobId of lost) log?.warn({ jobId }, 'lock on a held job was lost');
    } catch (err) {
      log?.error({ err }, 'lock renewal failed');
    }
  }

  function lease(job: BullJob<T>, token: string): Lease<T> {
    let release!: () => void;
    held.set(token, { job, settled: new Promise<void>((resolve) => (release = resolve)) });
    const attempt = job.attemptsMade + 1;
    let settled = false;
    async function settle<R>(then: () => Promise<R>): Promise<R> {
      if (settled) throw settledTwice(name, deps.portId(job));
      settled = true;
      try {
        return await then();
      } finally {
        held.delete(token);
        release();
      }
    }
    return {
      job: { id: deps.portId(job), data: job.data, attempt, progress: (percent) => job.updateProgress(percent) },
      complete: () => settle(async () => void (await job.moveToCompleted(null, token, false))),
      fail: (err) =>
        settle(async () => {
          // BullMQ decides the retry from the attempts the job was added with; so does the answer.
          const final = attempt >= (job.opts.attempts ?? deps.attempts);
          await job.moveToFailed(err instanceof Error ? err : new Error(String(err)), token, false);
          return final ? 'failed' : 'retrying';
        }),
      // moveToDelayed with a token skips the attempt, as RetryLaterError does under process().
      retryLater: (delayMs) => settle(() => job.moveToDelayed(Date.now() + Math.max(0, delayMs), token)),
    };
  }

  /**
   * One blocking wait per queue and process, shared by every pending taker
   * (a Worker has one blocking connection). Jobs go to takers in arrival order.
   */
  async function pump(w: Worker<T>): Promise<void> {
    try {
      while (takers.length > 0 && !closing) {
        const token = randomUUID();
        let job: BullJob<T> | undefined;
        try {
          job = await w.getNextJob(token, { block: true });
        } catch (err) {
          if (!closing) log?.error({ err }, 'fetching a job failed');
          await sleep(200);
          continue;
        }
        if (!job) continue;
        const taker = takers.shift();
        if (taker) {
          clearTimeout(taker.timer);
          taker.resolve(lease(job, token));
          continue;
        }
        // Every taker gave up while we waited: back to the front of its priority, where it was.
        await job.moveToWait(token).catch((err) => log?.error({ err, jobId: job.id }, 'returning a job failed'));
      }
    } finally {
      // Cleared in the same tick as the loop's last check, so a new taker never waits on a pump that has ended.
      pumping = undefined;
    }
  }

  return {
    async take(blockMs: number): Promise<Lease<T> | undefined> {
      if (closing) return undefined;
      const w = open();
      // First without blocking: a job may be waiting with no marker to wake a blocked fetch.
      const token = randomUUID();
      const job = await w.getNextJob(token, { block: false });
      if (job) return lease(job, token);
      if (blockMs <= 0 || closing) return undefined;
      return new Promise((resolve) => {
        const taker: Taker<T> = {
          resolve,
          timer: setTimeout(() => {
            takers.splice(takers.indexOf(taker), 1);
            resolve(undefined);
          }, blockMs),
        };
        takers.push(taker);
        pumping ??= pump(w);
      });
    },
    /** Answers pending takers, waits for held leases to be settled, then disconnects. */
    async close(): Promise<void> {
      closing = true;
      for (const taker of takers.splice(0)) {
        clearTimeout(taker.timer);
        taker.resolve(undefined);
      }
      await Promise.allSettled([...held.values()].map((h) => h.settled));
      if (renewal) clearInterval(renewal);
      // Forced: nothing runs inside the worker, and a blocked fetch need not run out its timeout.
      await worker?.close(true);
      await pumping;
    },
  };
}
