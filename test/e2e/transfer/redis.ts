import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One PING over a raw socket; true on PONG. */
export function pingRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => done(c.toString().startsWith('+PONG')));
    socket.on('error', () => done(false));
  });
}

/** Deletes this test's keys from the shared Redis (scan, never FLUSHALL). */
export function deleteRedisKeys(prefix: string, redisUrl = REDIS_URL): void {
  const { hostname, port } = new URL(redisUrl);
  const cli = ['-h', hostname, '-p', port || '6379'];
  const keys = execFileSync('redis-cli', [...cli, '--scan', '--pattern', `${prefix}*`])
    .toString()
    .split('\n');
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500).filter(Boolean);
    if (batch.length) execFileSync('redis-cli', [...cli, 'del', ...batch]);
  }
}

/** A private redis-server this test may kill and restart (the shared one serves everyone else). */
export async function startOwnRedis(port: number): Promise<{ url: string; kill(): Promise<void> }> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`redis-server could not start (apt-get install redis-server): ${err}`)),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([pingRedis(url, 500), failed]))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer in 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
