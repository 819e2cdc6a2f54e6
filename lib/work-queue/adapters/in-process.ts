import {
  backoffDelay,
  checkJobOptions,
  isRetryLater,
  type JobHandler,
  type JobOptions,
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
  let seq = 0;
  let handler: JobHandler<T> | undefined;
  let processOptions: ProcessOptions | undefined;
  let closed = false;

  const known = (id: string) => active.has(id) || delayed.has(id) || waiting.some((e) => e.id === id);

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

  async function run(entry: Entry<T>): Promise<void> {
    const job = { id: entry.id, data: entry.data, attempt: entry.attempt, progress: async () => undefined };
    try {
      await handler!(job);
    } catch (err) {
      if (isRetryLater(err)) {
        if (!closed) later(entry, err.delayMs);
        return;
      }
      const final = entry.attempt >= attempts || closed;
      processOptions?.onFailed?.({ id: entry.id, data: entry.data, attempt: entry.attempt }, err, final);
      if (!final) later({ ...entry, attempt: entry.attempt + 1 }, backoffDelay(entry.attempt, options));
    }
  }

  function pump(): void {
    if (!handler || closed) return;
    while (active.size < processOptions!.concurrency && waiting.length > 0) {
      const entry = waiting.shift()!;
      // Registered before `run` starts, so `known` sees the job as active throughout.
      const running = Promise.resolve()
        .then(() => run(entry))
        .finally(() => {
          active.delete(entry.id);
          pump();
        });
      active.set(entry.id, running);
    }
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
    async counts(): Promise<QueueCounts> {
      return { waiting: waiting.length, active: active.size, delayed: delayed.size };
    },
    async close() {
      closed = true;
      for (const { timer } of delayed.values()) clearTimeout(timer);
      delayed.clear();
      waiting.length = 0;
      await Promise.allSettled([...active.values()]);
    },
  };
}
