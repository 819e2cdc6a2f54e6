// Hand-written: no maintained package starts children from a helper process; Node's own `spawn` is what runs
// there, and this file is only the message plumbing around it.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Starts ffmpeg and ffprobe for the hub from a small helper process (the
 * spawner) instead of the hub's own. `spawn` forks the calling process and
 * waits until the child has exec'd, on the calling thread: measured on this
 * machine, 6 ms from a fresh Node and 18 ms from one holding 570 MB (a hub
 * with PGlite and its caches holds that much), against 0.6 ms to hand the
 * job to the spawner. Small files through a hub that probes every cleared
 * asset went from 18-20 to 25-26 a second (docs/benchmarks.md).
 *
 * The spawner is forked on first use and again after it ends; it ends with
 * the hub (its IPC channel closing, even on SIGKILL, makes it kill its
 * children and exit). It does not keep the hub alive while nothing runs. If
 * it dies while children run, each of them ends with an error saying so.
 */

/** How a child ended: its exit code or the signal that killed it, or why it could not start (`ENOENT`...). */
export type ChildOutcome =
  { code: number | null; signal: NodeJS.Signals | null; error?: undefined } | { error: NodeJS.ErrnoException };

export interface ChildHandlers {
  stdout?(chunk: Buffer): void;
  stderr?(chunk: Buffer): void;
  /** Called once, after every chunk of output. */
  end(outcome: ChildOutcome): void;
}

export interface RunningChild {
  /** Sends `signal` to the child (SIGTERM by default); nothing when it has ended. */
  kill(signal?: NodeJS.Signals): void;
}

type Message =
  | { id: number; ev: 'out' | 'err'; chunk: Uint8Array }
  | {
      id: number;
      ev: 'end';
      code?: number | null;
      signal?: NodeJS.Signals | null;
      error?: { code?: string; message: string };
    };

const SPAWNER_FILE = path.join(__dirname, 'spawner-process.js');

let spawner: ChildProcess | undefined;
let nextId = 1;
const running = new Map<number, ChildHandlers>();

/** The chunk as a Buffer over the same memory (structured clone delivers a plain Uint8Array). */
const bytes = (chunk: Uint8Array) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

function errnoError(code: string | undefined, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), code ? { code } : {});
}

/** Holds the hub open while children run, and only then. */
function hold(child: ChildProcess, yes: boolean): void {
  if (yes) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

function finish(id: number, outcome: ChildOutcome): void {
  const handlers = running.get(id);
  if (!handlers) return;
  running.delete(id);
  if (running.size === 0 && spawner) hold(spawner, false);
  handlers.end(outcome);
}

/** Ends the jobs of `child` (once) with an error saying why; the next job forks a new spawner. */
function spawnerGone(child: ChildProcess, why: string): void {
  if (spawner !== child) return;
  spawner = undefined;
  for (const id of [...running.keys()]) {
    finish(id, { error: errnoError('ESPAWNER', `the spawner process ${why} while the child ran`) });
  }
}

function theSpawner(): ChildProcess {
  // A spawner whose channel closed is gone even if its exit has not been heard yet: its jobs end, a new one starts.
  if (spawner && !spawner.connected) spawnerGone(spawner, 'closed its channel');
  if (spawner) return spawner;
  // Plain Node, whatever flags or loaders this process runs with (tsx, jest's VM modules): the spawner is a
  // CommonJS file. `advanced` serialization carries the output chunks as bytes, not JSON arrays of numbers.
  const child = fork(SPAWNER_FILE, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (m: Message) => {
    const handlers = running.get(m.id);
    if (!handlers) return;
    if (m.ev === 'end') {
      if (m.error) finish(m.id, { error: errnoError(m.error.code, m.error.message) });
      else finish(m.id, { code: m.code ?? null, signal: m.signal ?? null });
    } else if (m.ev === 'out') handlers.stdout?.(bytes(m.chunk));
    else handlers.stderr?.(bytes(m.chunk));
  });
  child.once('exit', (code, signal) =>
    spawnerGone(child, signal ? `was killed by ${signal}` : `exited with code ${code}`),
  );
  // Every error, not only the first: a send to a spawner that has just died is one, and an 'error' event
  // with no listener would end the hub.
  child.on('error', (err) => spawnerGone(child, `failed (${err.message})`));
  hold(child, false);
  spawner = child;
  return child;
}

/** The spawner's pid while it runs (for health views and tests). */
export function spawnerPid(): number | undefined {
  return spawner?.pid;
}

/**
 * Runs `file` with `args` (no shell, stdin closed) from the spawner;
 * `handlers` hear its output and, once, how it ended.
 */
export function spawnChild(file: string, args: readonly string[], handlers: ChildHandlers): RunningChild {
  const child = theSpawner();
  const id = nextId++;
  if (running.size === 0) hold(child, true);
  running.set(id, handlers);
  child.send({ op: 'start', id, file, args });
  return {
    kill(signal = 'SIGTERM') {
      if (running.has(id) && spawner === child && child.connected) child.send({ op: 'kill', id, signal });
    },
  };
}

/** What `execFileText` rejects with: the child's error code (exit code, or `ENOENT`...) and its stderr. */
export interface ExecError extends Error {
  code?: string | number | null;
  signal?: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `file` from the spawner and resolves with its stdout and stderr as
 * UTF-8 once it exits with 0; rejects (`ExecError`) when it cannot start,
 * exits otherwise, is aborted by `signal` (it is then killed) or writes more
 * than `maxBuffer` bytes to stdout (also killed). `child_process.execFile`'s
 * contract, for the spawner.
 */
export function execFileText(
  file: string,
  args: readonly string[],
  options: { maxBuffer?: number; signal?: AbortSignal } = {},
): Promise<{ stdout: string; stderr: string }> {
  const maxBuffer = options.maxBuffer ?? 1024 * 1024;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    const fail = (message: string, extra: Partial<ExecError>, stderr: string) =>
      reject(Object.assign(new Error(message), { stderr, ...extra }) as ExecError);
    if (signal?.aborted) return fail(`${file} was aborted before it started`, { code: 'ABORT_ERR' }, '');
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let why: string | undefined;
    const child = spawnChild(file, args, {
      stdout(chunk) {
        outBytes += chunk.length;
        if (outBytes > maxBuffer && !why) {
          why = `${file} wrote more than ${maxBuffer} bytes to stdout`;
          child.kill('SIGKILL');
        } else out.push(chunk);
      },
      stderr: (chunk) => err.push(chunk),
      end(outcome) {
        signal?.removeEventListener('abort', onAbort);
        const stderr = Buffer.concat(err).toString('utf8');
        if (outcome.error) return fail(`${file}: ${outcome.error.message}`, { code: outcome.error.code }, stderr);
        if (why) return fail(why, { code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' }, stderr);
        if (outcome.code !== 0) {
          const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
          return fail(`${file} ${how}`, { code: outcome.code, signal: outcome.signal }, stderr);
        }
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
      },
    });
    const onAbort = () => {
      why = `${file} was aborted`;
      child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
