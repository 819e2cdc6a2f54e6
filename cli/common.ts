import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ConfigError, HubError, UnavailableError, ValidationError } from '../lib/errors';
import { loadConfig, type HubConfig } from '../hub/config';
import { runningHub } from '../hub/run-file';
import { openStorage, type Storage } from '../hub/storage';

export interface CommonFlags {
  data?: string;
  config?: string;
  port?: string;
  host?: string;
  url?: string;
  token?: string;
  json?: boolean;
  logFormat?: string;
}

/** The flags that say which hub: its data directory and config file (`start` takes only these). */
export function withDataFlags(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory (embedded database, keys, networks)', undefined)
    .option('--config <file>', 'JSON config file');
}

/** The flags of a command that may talk to a running hub: which hub, and how to reach it. */
export function withCommonFlags(cmd: Command): Command {
  return withDataFlags(cmd)
    .option('--url <url>', 'talk to the hub at this URL instead of opening its database')
    .option('--token <token>', 'bearer token for --url (default: MXHUB_ADMIN_TOKEN or DIR/admin-token)');
}

export function configFrom(flags: CommonFlags): HubConfig {
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new ConfigError(`--port must be an integer 0..65535, got "${flags.port}"`);
  }
  // The composition root is the one place that reads the environment.
  return loadConfig({ file: flags.config, flags: { data: flags.data, port, host: flags.host }, env: process.env });
}

/**
 * The hub's logger: JSON lines (for collectors) unless written to a terminal,
 * where pino-pretty makes them readable; `format` forces either.
 */
export function createLogger(level: string, format?: 'json' | 'pretty'): Logger {
  const pretty = format === 'pretty' || (format === undefined && process.stdout.isTTY === true);
  const options = { level, base: { service: 'mxhub' } };
  if (!pretty) return pino(options);
  return pino({
    ...options,
    transport: {
      target: 'pino-pretty',
      options: { colorize: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss.l' },
    },
  });
}

/** `--log-format json|pretty`, checked. */
export function logFormat(value: string | undefined): 'json' | 'pretty' | undefined {
  if (value === undefined || value === 'json' || value === 'pretty') return value;
  throw new ConfigError(`--log-format must be json or pretty, got "${value}"`);
}

export interface Remote {
  url: string;
  token: string;
}

/**
 * Where a command should go: the API of the hub that holds the embedded
 * database (no second process may open it), or `undefined` to open the
 * store directly (a stopped embedded hub, or PostgreSQL).
 */
export function remoteFor(flags: CommonFlags, config: HubConfig): Remote | undefined {
  const run = flags.url ? { url: flags.url } : config.profile === 'embedded' ? runningHub(config.dataDir) : undefined;
  if (!run) return undefined;
  let token = flags.token ?? config.adminToken;
  if (!token) {
    try {
      token = readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim();
    } catch {
      throw new ConfigError(
        `--token is needed to talk to ${run.url} (no MXHUB_ADMIN_TOKEN, no ${config.dataDir}/admin-token)`,
      );
    }
  }
  return { url: run.url, token };
}

/**
 * The CLI's one HTTP client: JSON in and out with the bearer token; an
 * answer that is not 2xx becomes a HubError carrying the hub's status and
 * message, an unreachable hub an UnavailableError (exit 3). Response types
 * come from the routes' own schemas (`Static<typeof ...>`), not hand copies.
 */
export async function callHub<T>(
  remote: Remote,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  payload?: object,
  headers: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, remote.url), {
      method,
      headers: {
        authorization: `Bearer ${remote.token}`,
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
  } catch (err) {
    throw new UnavailableError(`the hub at ${remote.url}`, err);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok)
    throw new HubError(
      'MXHUB_ERR_REMOTE',
      `${method} ${path}: ${res.status} ${body.error?.message ?? ''}`.trim(),
      res.status,
    );
  return body as T;
}

/**
 * The shape every read-only command shares: ask the running hub's API when it
 * owns the database, else open the store directly and run `direct` on it.
 */
export async function viaHubOrStore<T>(
  flags: CommonFlags,
  api: { method: 'GET' | 'POST'; path: string; body?: object },
  direct: (storage: Storage, config: HubConfig) => Promise<T>,
): Promise<T> {
  const config = configFrom(flags);
  const remote = remoteFor(flags, config);
  if (remote) return callHub<T>(remote, api.method, api.path, api.body);
  // Only `start` makes a data directory: a read-only command on a folder without one says so and leaves it alone.
  if (config.profile === 'embedded' && !existsSync(join(config.dataDir, 'pg')))
    throw new ConfigError(`no mxhub data at ${config.dataDir} (a hub started with --data ${config.dataDir} makes it)`);
  const storage = await openStorage(config);
  try {
    return await direct(storage, config);
  } finally {
    await storage.close();
  }
}

/**
 * Runs a command body, turning errors into one clear line and an exit code,
 * then exits: the command is done, and an idle handle of a client library
 * (PGlite's worker, a keep-alive socket) must not hold the process open.
 */
export async function run(body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mxhub: ${message}\n`);
    if (!(err instanceof HubError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode =
      err instanceof ConfigError || err instanceof ValidationError ? 2 : err instanceof UnavailableError ? 3 : 1;
  }
  process.exit();
}
