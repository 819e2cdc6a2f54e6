import { DelayedError, Queue, Worker, type Job as BullJob, type RedisOptions } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { ValidationError } from '../../errors';
import { createBullMqTake } from './bullmq-take';
import {
  backoffDelay,
  checkJobOptions,
  isRetryLater,
  type JobHandler,
  type JobOptions,
  type JobState,
  type ProcessOptions,
  type QueueCounts,
  type WorkQueue,
  type WorkQueueOptions,
} from '../work-queue';

export interface BullMqWorkQueueOptions extends WorkQueueOptions {
  /** Redis URL: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  connection: string;
  /** Prefix of every Redis key the queue writes. @default 'mxhub' */
  prefix?: string;
  /**
   * How long a worker holds a job without renewing its lock. A job whose
   * process was killed runs again once its lock has expired and the next
   * stalled-job check has run (at most twice this). @default 15000
   */
  lockDurationMs?: number;
  /** Hears of connection errors and stalled jobs. @default silent */
  logger?: Logger;
}

const BACKOFF_TYPE = 'mxhub';
/**
 * BullMQ keeps a job under `<prefix>:<queue>:<jobId>`, beside its own keys
 * (`active`, `wait`, `meta`, ...), and refuses integer ids: a port id such
 * as `active` or `42` would collide, so every id is stored with this prefix.
 */
const ID_PREFIX = 'j.';
const portId = (job: BullJob) => job.id!.slice(ID_PREFIX.length);

/**
 * The production queue: BullMQ on Redis, shared by every hub process. Jobs
 * are removed from Redis once they complete or fail for good, which is what
 * lets a job id be used again (BullMQ ignores an add whose id still exists).
 */
export function createBullMqWorkQueue<T>(name: string, options: BullMqWorkQueueOptions): WorkQueue<T> {
  const attempts = options.attempts ?? 5;
  const lockDuration = options.lockDurationMs ?? 15_000;
  const prefix = options.prefix ?? 'mxhub';
  const connection = redisOptions(options.connection);
  const log = options.logger?.child({ queue: name });
  // Untyped on purpose: BullMQ's job-or-data generic does not resolve for an open T.
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', (err) => log?.error({ err }, 'work queue connection error'));
  let worker: Worker<T> | undefined;
  let closing: Promise<void> | undefined;
  const backoffStrategy = (attemptsMade: number) => backoffDelay(attemptsMade, options);
  const pull = createBullMqTake<T>({
    name,
    prefix,
    connection,
    lockDuration,
    attempts,
    backoffStrategy,
    portId,
    log,
  });

  async function stateOf(jobId: string): Promise<JobState | undefined> {
    const state = await queue.getJobState(ID_PREFIX + jobId);
    if (state === 'waiting' || state === 'prioritized') return 'waiting';
    return state === 'delayed' || state === 'active' ? state : undefined;
  }

  async function runJob(handler: JobHandler<T>, processOptions: ProcessOptions, job: BullJob<T>, token?: string) {
    // attemptsMade grows only when a run fails through moveToFailed; the
    // RetryLaterError path below goes through moveToDelayed with skipAttempt.
    const attempt = job.attemptsMade + 1;
    try {
      await handler({ id: portId(job), data: job.data, attempt, progress: (percent) => job.updateProgress(percent) });
    } catch (err) {
      if (isRetryLater(err)) {
        await job.moveToDelayed(Date.now() + Math.max(0, err.delayMs), token);
        // Tells the worker the job has been moved already: no attempt is spent.
        throw new DelayedError();
      }
      try {
        processOptions.onFailed?.({ id: portId(job), data: job.data, attempt }, err, attempt >= attempts);
      } catch (hookErr) {
        log?.error({ err: hookErr, jobId: job.id }, 'onFailed threw');
      }
      // BullMQ records err.message and a stack trace: it needs an Error.
      throw err instanceof Error ? err : new Error(String(err));
    }
  }

  return {
    name,
    async add(data: T, jobOptions: JobOptions) {
      // The shared check keeps priority >= 1: BullMQ serves 0 ("no priority") before every prioritized job.
      const { priority } = checkJobOptions(jobOptions);
      await queue.add(name, data, {
        jobId: ID_PREFIX + jobOptions.jobId,
        priority,
        attempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: true,
        removeOnFail: true,
      });
    },
    process(handler, processOptions) {
      if (worker) throw new Error(`queue ${name}: process() was called twice`);
      worker = new Worker<T>(name, (job, token) => runJob(handler, processOptions, job, token), {
        connection: { ...connection, maxRetriesPerRequest: null },
        prefix,
        concurrency: processOptions.concurrency,
        lockDuration,
        stalledInterval: lockDuration,
        // A job whose process died runs again, on the same attempt number, up to
        // `attempts` times; beyond that BullMQ fails it (a job that kills its process).
        maxStalledCount: attempts,
        settings: { backoffStrategy },
      });
      worker.on('error', (err) => log?.error({ err }, 'work queue worker error'));
      worker.on('stalled', (jobId) => log?.warn({ jobId }, 'job stalled, its worker is gone: it runs again'));
    },
    take: (blockMs) => pull.take(blockMs),
    async changePriority(jobId, priority) {
      checkJobOptions({ jobId, priority });
      // BullMQ would also re-prioritize an active job (for its next retry); the port says no.
      const state = await stateOf(jobId);
      if (state !== 'waiting' && state !== 'delayed') return false;
      const job = await queue.getJob(ID_PREFIX + jobId);
      if (!job) return false;
      await job.changePriority({ priority });
      return true;
    },
    async remove(jobId) {
      const state = await stateOf(jobId);
      if (state !== 'waiting' && state !== 'delayed') return false;
      // 0 when the job was taken meanwhile: BullMQ does not remove a locked job.
      return (await queue.remove(ID_PREFIX + jobId)) === 1;
    },
    state: stateOf,
    async get(jobId) {
      const [job, state] = await Promise.all([queue.getJob(ID_PREFIX + jobId), stateOf(jobId)]);
      return job && state ? { id: jobId, data: job.data as T, priority: job.priority, state } : undefined;
    },
    async progressOf(jobId) {
      const job = await queue.getJob(ID_PREFIX + jobId);
      // A job keeps its last run's progress while it waits for a retry; the port reports running jobs only.
      if (!job || !(await job.isActive())) return undefined;
      return typeof job.progress === 'number' ? job.progress : 0;
    },
    async counts(): Promise<QueueCounts> {
      const c = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed');
      return { waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0 };
    },
    close() {
      // The worker first: it waits for its running jobs, which still need the queue's connection.
      closing ??= (async () => {
        await Promise.all([worker?.close(), pull.close()]);
        await queue.close();
      })();
      return closing;
    },
  };
}

/**
 * Connection options from a Redis URL, parsed by ioredis (`redis://[user:password@]host[:port][/db]`,
 * `rediss://` for TLS). BullMQ opens its own connections with its own ioredis, so it gets plain options,
 * not a client.
 */
export function redisOptions(url: string): RedisOptions {
  // ioredis reads any URL as a Redis one (http://h becomes host "http"): the scheme is checked here.
  if (!/^rediss?:\/\//.test(url)) {
    throw new ValidationError(`Redis URL "${url}" must start with redis:// or rediss://`);
  }
  const client = new Redis(url, { lazyConnect: true });
  const { host, port, username, password, db, tls } = client.options;
  client.disconnect();
  return {
    host,
    port,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(db ? { db } : {}),
    ...(tls ? { tls: typeof tls === 'object' ? tls : {} } : {}),
  };
}
