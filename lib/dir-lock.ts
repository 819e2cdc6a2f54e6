/*
 * An exclusive OS lock on a directory, held for as long as this process
 * lives or until it lets go.
 *
 * Why a child process of util-linux `flock`: Node has no flock(2) or fcntl
 * locks, and the npm packages that bind them (fs-ext and the like) are
 * native addons compiled by node-gyp at install time, which fetches Node's
 * headers from outside the npm registry: they do not install on our
 * machines or in CI. `flock --no-fork DIR cat` takes flock(2) on the
 * directory itself and becomes `cat`, which holds it while it reads our
 * pipe. The kernel releases the lock when that process ends, and it ends on
 * EOF: when we close the pipe, or when this process dies in any way
 * (SIGKILL included), since the kernel then closes our end. No lock file is
 * left to go stale, and deleting files (as DIR/hub.json was, issue 9) cannot
 * undo the lock.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { ConfigError } from './errors';

/** flock's exit code when the lock is held elsewhere (EX_TEMPFAIL). */
const HELD = 75;

export interface DirectoryLock {
  /** Lets go of the lock; resolves once the holding process is gone. Idempotent. */
  release(): Promise<void>;
}

/**
 * Another process holds the directory. Two processes on one data directory
 * is a configuration conflict, as a second `mxhub start` is: exit code 2.
 */
export class DirectoryLockedError extends ConfigError {}

/** `pid (command line)` of the process that took the flock on `dir`, from /proc (Linux); undefined if unknown. */
function lockHolder(dir: string): string | undefined {
  try {
    const inode = String(statSync(dir).ino);
    // "3: FLOCK  ADVISORY  WRITE 14517 fe:00:2154497 0 EOF": pid, then device:inode.
    const entry = readFileSync('/proc/locks', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find((f) => f[1] === 'FLOCK' && f[5]?.split(':')[2] === inode);
    if (!entry) return undefined;
    let pid = entry[4]!;
    // Our holder is the `cat` a process started; name that process rather than its cat.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (stat.includes('(cat)') && state && ppid && ppid !== '1') pid = ppid;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return command ? `${pid} (${command.length > 160 ? `${command.slice(0, 157)}...` : command})` : pid;
  } catch {
    return undefined;
  }
}

/**
 * Takes an exclusive lock on the existing directory `dir` for `what` (named
 * in errors). Rejects with `DirectoryLockedError`, naming the directory and
 * the process holding it when /proc tells, if another process holds it; with
 * `ConfigError` when util-linux `flock` is not installed.
 */
export async function lockDirectory(dir: string, what: string): Promise<DirectoryLock> {
  const holder: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    'flock',
    ['--nonblock', '--exclusive', '--no-fork', '--conflict-exit-code', String(HELD), dir, 'cat'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => holder.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    holder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // cat echoing our byte proves flock got the lock and handed it to cat.
    holder.stdout.once('data', () => resolve());
    holder.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new ConfigError(`util-linux flock is needed to lock ${what} in ${dir}, and it is not installed`)
          : err,
      ),
    );
    void exited.then((code) => {
      if (code === HELD) {
        const by = lockHolder(dir);
        reject(
          new DirectoryLockedError(
            `${what} in ${dir} is in use by another process${by ? ` (pid ${by})` : ''}: ` +
              'only one process may open it; stop that one, or reach a running hub through its API (--url)',
          ),
        );
      } else {
        reject(new ConfigError(`locking ${what} in ${dir} failed: flock exited with ${code} ${stderr.trim()}`));
      }
    });
    // A holder that exits at once (lock held) closes the pipe first: its exit code tells, not EPIPE.
    holder.stdin.on('error', () => undefined);
    holder.stdin.write('\n');
  });
  // Holding the lock must not keep this process alive (the pipe closes when it exits anyway);
  // letting go must, until the holder is gone, or a process ending on `release` would exit mid-way.
  const streams = [holder.stdin, holder.stdout, holder.stderr] as unknown as Array<{ ref(): void; unref(): void }>;
  holder.unref();
  for (const stream of streams) stream.unref();
  let released: Promise<unknown> | undefined;
  return {
    release() {
      if (!released) {
        holder.ref();
        for (const stream of streams) stream.ref();
        holder.stdin.end();
        released = exited;
      }
      return released.then(() => undefined);
    },
  };
}
