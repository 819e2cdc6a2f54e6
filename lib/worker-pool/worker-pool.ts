import { availableParallelism } from 'node:os';
import Piscina from 'piscina';

/**
 * Work that would hold the main thread for long (hashing whole files, native
 * scans) runs on a pool of worker threads, so the event loop keeps answering
 * (HTTP, the clamd stream, the store) while it runs.
 *
 * A task is a named export of a plain CommonJS `.js` module: worker threads
 * load it with Node's own loader, outside tsx, jest and the esbuild bundle
 * (which keeps `__dirname` pointing at the source folder), so one file serves
 * all three. Tasks may run concurrently up to the pool's size; each worker
 * loads a task module once and keeps what it caches (compiled rules).
 * `run` rejects with the task's error; an aborted `signal` ends the worker
 * that runs the task (piscina starts a new one).
 */
export interface WorkerPool {
  run<T>(task: TaskRef, input: unknown, signal?: AbortSignal): Promise<T>;
  /** Waits for running tasks, then ends the workers. */
  close(): Promise<void>;
}

/** A task: `name`, exported by the module at `file` (an absolute path to a `.js` file). */
export interface TaskRef {
  file: string;
  name: string;
}

export interface WorkerPoolOptions {
  /** Workers at most. @default os.availableParallelism() */
  maxThreads?: number;
  /** How long an idle worker above the first lives. @default 30 000 ms */
  idleTimeoutMs?: number;
}

export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const maxThreads = options.maxThreads ?? availableParallelism();
  const piscina = new Piscina({
    maxThreads,
    minThreads: 1,
    idleTimeout: options.idleTimeoutMs ?? 30_000,
    // A task waits for a free worker rather than being refused: callers bound their own concurrency.
    maxQueue: Infinity,
  });
  return {
    run: (task, input, signal) => piscina.run(input, { filename: task.file, name: task.name, signal: signal ?? null }),
    close: () => piscina.destroy(),
  };
}

const shared = new Map<string, WorkerPool>();

/**
 * The process's pool for one kind of work (`hashing`, `yara-x`), made on
 * first use. Kinds get pools of their own so that long scans never queue a
 * claim's hashing behind them. Idle workers do not keep the process alive
 * (piscina unrefs them), so nothing has to close these pools.
 */
export function sharedWorkerPool(kind: string): WorkerPool {
  let pool = shared.get(kind);
  if (!pool) shared.set(kind, (pool = createWorkerPool()));
  return pool;
}
