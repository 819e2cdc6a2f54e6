import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'mxhub.js');

export interface HubProcess {
  child: ChildProcess;
  url: string;
  logs: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** GET /v1/status with the admin token of the data dir or MXHUB_ADMIN_TOKEN. */
  status(): Promise<{ relay: { position: string }; store: { events: number } }>;
}

/**
 * Runs `mxhub start` as a real process and resolves once it logs the URL it serves. `nodeArgs` go to its node
 * before the script (`--cpu-prof`, which NODE_OPTIONS does not take).
 */
export function startHub(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
  nodeArgs: string[] = [],
): Promise<HubProcess> {
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'start', '--port', '0', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hub did not start in ${timeoutMs} ms:\n${logs.join('')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      logs.push(chunk.toString());
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('"mxhub started"')) continue;
        clearTimeout(timer);
        const url = (JSON.parse(line) as { url: string }).url;
        resolve({
          child,
          url,
          logs,
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
          async status() {
            const dataDir = args[args.indexOf('--data') + 1]!;
            const token = env.MXHUB_ADMIN_TOKEN || readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
            const res = await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
            return (await res.json()) as { relay: { position: string }; store: { events: number } };
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before it started:\n${logs.join('')}`));
    });
  });
}

/**
 * Runs another `mxhub` command to completion. Asynchronous on purpose: a
 * blocking spawn would stop this process from draining a running hub's
 * log pipe, and the hub would stall writing to it.
 */
export function mxhub(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
