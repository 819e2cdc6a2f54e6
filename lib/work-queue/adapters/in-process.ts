import {
  backoffDelay,
  checkJobOptions,
  isRetryLater,
  settledTwice,
  type JobHandler,
  type JobOptions,
  type JobState,
  type Lease,
  type ProcessOptions,
  type QueueCounts,
  type WorkQueue,
  type WorkQueueOptions,
} from '../work-queue';

interface Entry<T> {
  id: string;
  data: T;
  priority: number;
  seq: number;
  attempt: number;
}

interface Taker<T> {
  resolve: (lease: Lease<T> | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * The embedded profile's queue: jobs live in this process's memory, so a
 * crash loses the waiting ones. That is by design: the event store is the
 * truth, and the owner of the queue re-derives its work from the read
 * models at start (see services/screening/sweep.ts).
 */
export function createInProcessWorkQueue<T>(name: string, options: WorkQueueOptions = {}): WorkQueue<T> {
  const attempts = options.attempts ?? 5;
  const waiting: Entry<T>[] = [];
  const delayed = new Map<string, { entry: Entry<T>; timer: NodeJS.Timeout }>();
  const active = new Map<string, Promise<void>>();
  const progress = new Map<string, number>();
  const takers: Taker<T>[] = [];
  let seq = 0;
  let handler: JobHandler<T> | undefined;
  let processOptions: ProcessOptions | undefined;
  let closed = false;

  const known = (id: string) => active.has(id) || delayed.has(id) || waiting.some((e) => e.id === id);
  // Active jobs' entries, for `get`.
  const running = new Map<string, Entry<T>>();
  const jobOf = (entry: Entry<T>) => ({
    id: entry.id,
    data: entry.data,
    attempt: entry.attempt,
    progress: async (percent: number) => void (active.has(entry.id) && progress.set(entry.id, percent)),
  });

  function enqueue(entry: Entry<T>): void {
    // Sorted insert: priority, then age. Queues here hold thousands, not millions.
    let i = waiting.length;
    while (
      i > 0 &&
      (waiting[i - 1]!.priority > entry.priority ||
        (waiting[i - 1]!.priority === entry.priority && waiting[i - 1]!.seq > entry.seq))
    )
      i -= 1;
    waiting.splice(i, 0, entry);
    pump();
  }

  function later(entry: Entry<T>, delayMs: number): void {
    const timer = setTimeout(() => {
      delayed.delete(entry.id);
      if (!closed) enqueue(entry);
    }, delayMs);
    timer.unref();
    delayed.set(entry.id, { entry, timer });
  }

  /** Retries with backoff unless attempts are spent or the queue is closing; says which. */
  function failed(entry: Entry<T>): boolean {
    const final = entry.attempt >= attempts || closed;
    if (!final) later({ ...entry, attempt: entry.attempt + 1 }, backoffDelay(entry.attempt, options));
    return final;
  }

  async function run(entry: Entry<T>): Promise<void> {
    try {
      await handler!(jobOf(entry));
    } catch (err) {
      if (isRetryLater(err)) {
        if (!closed) later(entry, err.delayMs);
        return;
      }
      const final = entry.attempt >= attempts || closed;
      processOptions?.onFailed?.({ id: entry.id, data: entry.data, attempt: entry.attempt }, err, final);
      failed(entry);
    }
  }

  /** Registers the entry as active until `settle` runs; what the lease does with it is up to the holder. */
  function lease(entry: Entry<T>): Lease<T> {
    let release!: () => void;
    active.set(entry.id, new Promise<void>((resolve) => (release = resolve)));
    running.set(entry.id, entry);
    let settled = false;
    const settle = <R>(then: () => R): R => {
      if (settled) throw settledTwice(name, entry.id);
      settled = true;
      active.delete(entry.id);
      running.delete(entry.id);
      progress.delete(entry.id);
      const result = then();
      release();
      pump();
      return result;
    };
    return {
      job: jobOf(entry),
      complete: async () => settle(() => undefined),
      fail: async () => settle(() => (failed(entry) ? 'failed' : 'retrying')),
      retryLater: async (delayMs) => settle(() => void (closed || later(entry, Math.max(0, delayMs)))),
    };
  }

  function pump(): void {
    if (closed) return;
    // Takers first: they are waiting right now, `process` pulls whenever it has room.
    while (takers.length > 0 && waiting.length > 0) {
      const taker = takers.shift()!;
      clearTimeout(taker.timer);
      taker.resolve(lease(waiting.shift()!));
    }
    if (!handler) return;
    while (active.size < processOptions!.concurrency && waiting.length > 0) {
      const entry = waiting.shift()!;
      // Registered before `run` starts, so `known` sees the job as active throughout.
      const done = Promise.resolve()
        .then(() => run(entry))
        .finally(() => {
          active.delete(entry.id);
          running.delete(entry.id);
          progress.delete(entry.id);
          pump();
        });
      active.set(entry.id, done);
      running.set(entry.id, entry);
    }
  }

  function stateOf(jobId: string): JobState | undefined {
    if (active.has(jobId)) return 'active';
    if (delayed.has(jobId)) return 'delayed';
    return waiting.some((e) => e.id === jobId) ? 'waiting' : undefined;
  }

  function unqueue(jobId: string): Entry<T> | undefined {
    const i = waiting.findIndex((e) => e.id === jobId);
    if (i >= 0) return waiting.splice(i, 1)[0];
    const d = delayed.get(jobId);
    if (!d) return undefined;
    clearTimeout(d.timer);
    delayed.delete(jobId);
    return d.entry;
  }

  return {
    name,
    async add(data: T, jobOptions: JobOptions) {
      const { jobId, priority } = checkJobOptions(jobOptions);
      if (closed || known(jobId)) return;
      enqueue({ id: jobId, data, priority, seq: seq++, attempt: 1 });
    },
    process(h, o) {
      if (handler) throw new Error(`queue ${name}: process() was called twice`);
      handler = h;
      processOptions = o;
      pump();
    },
    take(blockMs) {
      if (closed) return Promise.resolve(undefined);
      if (waiting.length > 0) return Promise.resolve(lease(waiting.shift()!));
      if (blockMs <= 0) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const taker: Taker<T> = {
          resolve,
          timer: setTimeout(() => {
            takers.splice(takers.indexOf(taker), 1);
            resolve(undefined);
          }, blockMs),
        };
        takers.push(taker);
      });
    },
    async changePriority(jobId, priority) {
      checkJobOptions({ jobId, priority });
      const d = delayed.get(jobId);
      if (d) {
        d.entry.priority = priority;
        return true;
      }
      const entry = waiting.some((e) => e.id === jobId) ? unqueue(jobId) : undefined;
      // A new sequence number, as BullMQ does: behind the jobs already waiting at that priority.
      if (entry) enqueue({ ...entry, priority, seq: seq++ });
      return entry !== undefined;
    },
    async remove(jobId) {
      return unqueue(jobId) !== undefined;
    },
    state: async (jobId) => stateOf(jobId),
    async get(jobId) {
      const entry = running.get(jobId) ?? delayed.get(jobId)?.entry ?? waiting.find((e) => e.id === jobId);
      const state = stateOf(jobId);
      return entry && state ? { id: jobId, data: entry.data, priority: entry.priority, state } : undefined;
    },
    async progressOf(jobId) {
      return active.has(jobId) ? (progress.get(jobId) ?? 0) : undefined;
    },
    async counts(): Promise<QueueCounts> {
      return { waiting: waiting.length, active: active.size, delayed: delayed.size };
    },
    async close() {
      closed = true;
      for (const { timer } of delayed.values()) clearTimeout(timer);
      delayed.clear();
      waiting.length = 0;
      for (const taker of takers.splice(0)) {
        clearTimeout(taker.timer);
        taker.resolve(undefined);
      }
      await Promise.allSettled([...active.values()]);
    },
  };
}
