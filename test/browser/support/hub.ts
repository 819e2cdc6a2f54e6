import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type HubProcess } from '../../support/hub-process';
import { createTestDatabase, type TestDatabase } from '../../support/pg';
import { adminApi } from './api';
import { createUsers, type Role, type UserLogin } from './users';

export type Profile = 'embedded' | 'production';

/** What the tests of one project know of their hub (passed to workers as JSON in the environment). */
export interface HubInfo {
  profile: Profile;
  url: string;
  dataDir: string;
  adminToken: string;
  users: Record<Role, UserLogin>;
}

export interface RunningHub {
  info: HubInfo;
  stop(): Promise<void>;
}

/** The hubs' logs after the run (git-ignored). */
export const LOGS = join(__dirname, '..', '..', '..', '.tmp', 'browser-hubs');

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KAFKA = `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`;

/**
 * The config of a browser hub: both engines required (so the quarantine test
 * does not pass on YARA-X alone), short connector waits so drops become
 * assets in seconds (one rendition at a time, the default: two hubs share two
 * cores, and the Chinese clip, dropped first, gets its proxy first); on the
 * production profile a fresh PostgreSQL database, its own Redis queue prefix
 * and Kafka topic prefix beside the shared services.
 */
function hubConfig(profile: Profile, db: TestDatabase | undefined): Record<string, unknown> {
  const tag = randomBytes(5).toString('hex');
  const base = {
    connectors: { stabilityMs: 300, sidecarWaitMs: 1000 },
    screening: { engines: ['clamav', 'yara-x'], clamd: { host: '127.0.0.1', port: 13310 }, retryUnavailableMs: 500 },
  };
  if (profile === 'embedded') return base;
  return {
    ...base,
    profile: 'production',
    database: { url: db!.url },
    redis: { url: REDIS_URL, prefix: `mxhub-browser-${tag}` },
    kafka: { brokers: [KAFKA], topicPrefix: `mxbrowser.${tag}.` },
  };
}

/**
 * Starts `mxhub start` for one profile in a fresh data directory, creates the
 * four users of the tests with the CLI, and pauses the broadcast network so
 * every transfer into it stays queued (the transfers board then has a queue
 * to reorder, whatever the machine's speed).
 */
export async function startBrowserHub(profile: Profile): Promise<RunningHub> {
  const dataDir = mkdtempSync(join(tmpdir(), `mxhub-browser-${profile}-`));
  const db = profile === 'production' ? await createTestDatabase() : undefined;
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(hubConfig(profile, db), null, 2));
  const adminToken = `browser-${randomBytes(16).toString('hex')}`;
  const env = { MXHUB_ADMIN_TOKEN: adminToken };
  let hub: HubProcess | undefined;
  try {
    hub = await startHub(['--data', dataDir, '--config', configFile], env, 120_000);
    const api = adminApi(hub.url, adminToken);
    await api.patch('/v1/networks/broadcast', { paused: true, reason: 'browser tests: transfers stay queued' });
    const users = await createUsers(hub.url, env);
    const running = hub;
    return {
      info: { profile, url: hub.url, dataDir, adminToken, users },
      async stop() {
        await running.stop();
        // Kept for a failed run's reader: the data directory goes, the hub's own account of the run stays.
        mkdirSync(LOGS, { recursive: true });
        writeFileSync(join(LOGS, `${profile}.log`), running.logs.join(''));
        await db?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await hub?.stop();
    await db?.drop();
    throw new Error(`the ${profile} hub of the browser tests did not start: ${(err as Error).message}`);
  }
}
