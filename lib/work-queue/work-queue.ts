import { backoff } from '../backoff';
import { ValidationError } from '../errors';

/**
 * The work-queue port: heavy work (screening, later transfers) spread over
 * every hub process. BullMQ on Redis in production, in-process embedded.
 *
 * Contract, for every adapter (see work-queue.contract.ts):
 * - `add` is idempotent by `jobId` while a job with that id is waiting,
 *   delayed or active: the second add does nothing. Once the job has
 *   completed or failed for good, the id may be used again (the queue keeps
 *   no history; the event store does).
 * - Delivery is at least once: a job whose process dies runs again (BullMQ:
 *   after its lock expires; in-process: it is lost with the process, and the
 *   owner re-derives queued work from the read models at start). Handlers
 *   must be idempotent, which they are by expected versions.
 * - Lower `priority` numbers run first (1 is the highest); equal priorities
 *   run oldest first.
 * - A handler that throws `RetryLaterError` is run again after its delay and
 *   does not use up an attempt (an engine is down: wait, do not give up).
 *   Any other error is retried with exponential backoff up to `attempts`,
 *   then the job fails and `onFailed` hears of it.
 * - At most `concurrency` jobs run at once per `process` call, per process.
 * - Pull (`take`) is the alternative to `process` for a caller that decides
 *   itself which queue to serve next (lanes): the same ordering, attempts and
 *   backoff, with the outcome reported through the lease. Use one or the
 *   other on a queue, not both.
 */
export interface WorkQueue<T> {
  readonly name: string;
  add(data: T, options: JobOptions): Promise<void>;
  /** Starts taking jobs. Call once per queue and process. */
  process(handler: JobHandler<T>, options: ProcessOptions): void;
  /**
   * Takes the next job (priority, then age) and holds it until the lease is
   * settled, or resolves `undefined` when none arrives within `blockMs`
   * (0: do not wait). A held job is not given to anyone else; if the holder's
   * process dies, the job goes back to the queue (BullMQ: once its lock has
   * expired and a stalled-job check has run).
   */
  take(blockMs: number): Promise<Lease<T> | undefined>;
  /**
   * Gives a waiting or delayed job a new priority; it goes behind the jobs
   * already waiting at that priority. `false` when the job is active or unknown.
   */
  changePriority(jobId: string, priority: number): Promise<boolean>;
  /** Removes a waiting or delayed job. `false` when it is active (it runs on) or unknown. */
  remove(jobId: string): Promise<boolean>;
  state(jobId: string): Promise<JobState | undefined>;
  /** A waiting, delayed or active job as the queue holds it (to move it to another queue, say). */
  get(jobId: string): Promise<QueuedJob<T> | undefined>;
  /** Last progress reported by an active job's holder (0 before the first report); `undefined` when not active. */
  progressOf(jobId: string): Promise<number | undefined>;
  counts(): Promise<QueueCounts>;
  /** Stops taking jobs and resolves once the running ones have finished and held leases are settled. */
  close(): Promise<void>;
}

export type JobState = 'waiting' | 'delayed' | 'active';

export interface QueuedJob<T> {
  id: string;
  data: T;
  priority: number;
  state: JobState;
}

/**
 * A job taken with `take`. Settle it exactly once; a second settle throws.
 * While unsettled the job stays active (its BullMQ lock is renewed).
 */
export interface Lease<T> {
  readonly job: Job<T>;
  /** The job is done; its id may be used again. */
  complete(): Promise<void>;
  /**
   * The run failed: retried with backoff while attempts remain (`'retrying'`),
   * else dropped (`'failed'`).
   */
  fail(err: unknown): Promise<'retrying' | 'failed'>;
  /** Runs the job again after `delayMs` without spending an attempt (like `RetryLaterError`). */
  retryLater(delayMs: number): Promise<void>;
}

export interface JobOptions {
  /** Identity of the job for de-duplication; `[A-Za-z0-9_.-]` only (BullMQ reserves `:`). */
  jobId: string;
  /** 1 (highest) to 1000. @default 100 */
  priority?: number;
}

export interface Job<T> {
  id: string;
  data: T;
  /** 1 on the first run, +1 per retry after an error (not after `RetryLaterError`). */
  attempt: number;
  /** Reports progress (0..100) where the queue can show it. */
  progress(percent: number): Promise<void>;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface ProcessOptions {
  /** Jobs run at once in this process. */
  concurrency: number;
  /** Runs before a job is retried or dropped after an error it threw. */
  onFailed?: (job: { id: string; data: unknown; attempt: number }, err: unknown, final: boolean) => void;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
}

export interface WorkQueueOptions {
  /** Runs per job before it fails for good, counting the first. @default 5 */
  attempts?: number;
  /** First retry delay after an error; doubles per attempt, capped at `maxBackoffMs`. @default 1000 */
  backoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
}

/** Thrown by a handler to be run again after `delayMs` without spending an attempt. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export const isRetryLater = (err: unknown): err is RetryLaterError =>
  err instanceof RetryLaterError || (err as { name?: unknown } | null)?.name === 'RetryLaterError';

/** Retry delay after the `attempt`-th run failed. */
export function backoffDelay(attempt: number, options: WorkQueueOptions): number {
  return backoff(attempt, { baseMs: options.backoffMs ?? 1000, maxMs: options.maxBackoffMs ?? 30_000 });
}

const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** Checks job options against the rules every adapter shares; resolves the default priority. */
export function checkJobOptions(options: JobOptions): { jobId: string; priority: number } {
  if (!JOB_ID.test(options.jobId)) {
    throw new ValidationError(`jobId "${options.jobId}" must be 1-200 characters of A-Z, a-z, 0-9, '_', '.', '-'`);
  }
  const priority = options.priority ?? 100;
  if (!Number.isInteger(priority) || priority < 1 || priority > 1000) {
    throw new ValidationError(`priority ${priority} of job "${options.jobId}" must be an integer from 1 to 1000`);
  }
  return { jobId: options.jobId, priority };
}

/** Thrown when a lease is settled a second time: the caller's bookkeeping is wrong. */
export function settledTwice(queue: string, jobId: string): Error {
  return new Error(`queue ${queue}: the lease on job ${jobId} was settled already`);
}
