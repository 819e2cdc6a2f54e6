import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';
import { loadConfig } from './config';

const dir = mkdtempSync(join(tmpdir(), 'mx-config-'));
const file = (content: unknown) => {
  const f = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};

describe('loadConfig', () => {
  test('given nothing, the embedded profile with three networks under the data dir', () => {
    const c = loadConfig({ env: {}, flags: { data: dir } });
    expect(c).toMatchObject({ profile: 'embedded', dataDir: dir, http: { host: '127.0.0.1', port: 8080 } });
    expect(c.networks.map((n) => [n.id, n.root])).toEqual([
      ['broadcast', join(dir, 'networks', 'broadcast')],
      ['archive', join(dir, 'networks', 'archive')],
      ['news', join(dir, 'networks', 'news')],
    ]);
  });

  test('given PostgreSQL, Redis and Kafka in the environment, the production profile', () => {
    const c = loadConfig({
      env: { DATABASE_URL: 'postgres://h/db', REDIS_URL: 'redis://h:6379', KAFKA_BROKERS: 'k1:9092, k2:9092' },
    });
    expect(c).toMatchObject({
      profile: 'production',
      kafka: { brokers: ['k1:9092', 'k2:9092'], topicPrefix: 'mxhub.' },
    });
  });

  test('an empty variable is unset: VAR= in a shell does not half-select the production profile', () => {
    const c = loadConfig({
      env: { DATABASE_URL: '', REDIS_URL: '', KAFKA_BROKERS: '', MXHUB_DATA: '' },
      flags: { data: dir },
    });
    expect(c.profile).toBe('embedded');
  });

  test('given only some of the three, an error naming the missing ones', () => {
    expect(() => loadConfig({ env: { DATABASE_URL: 'postgres://h/db' } })).toThrow(/without REDIS_URL, KAFKA_BROKERS/);
    expect(() => loadConfig({ env: {}, file: file({ profile: 'production' }) })).toThrow(
      /needs PostgreSQL, Redis and Kafka: set DATABASE_URL, REDIS_URL, KAFKA_BROKERS/,
    );
  });

  test('a bad key, value or file is named with what is accepted', () => {
    expect(() => loadConfig({ env: {}, file: file({ netwroks: [] }) })).toThrow(
      /unknown key "netwroks" \(did you mean "networks"\?\)/,
    );
    expect(() => loadConfig({ env: {}, file: file({ networks: [{ id: 'Bad Name' }] }) })).toThrow(
      /networks\[0\]\.id must match/,
    );
    expect(() => loadConfig({ env: {}, file: file({ http: { port: 'x' } }) })).toThrow(/http\.port must be integer/);
    expect(() => loadConfig({ env: {}, file: file('{ not json') })).toThrow(/is not valid JSON/);
    expect(() => loadConfig({ env: {}, file: join(dir, 'missing.json') })).toThrow(/does not exist/);
    expect(() => loadConfig({ env: { KAFKA_BROKERS: 'nohost' } })).toThrow(/KAFKA_BROKERS must be host:port/);
    expect(() =>
      loadConfig({
        env: {},
        file: file({ networks: [{ id: 'news', capacity: { highWatermark: 70, lowWatermark: 75 } }] }),
      }),
    ).toThrow(/networks\[0\]\.capacity\.lowWatermark \(75\) must not be above highWatermark \(70\)/);
    expect(() => loadConfig({ env: {}, file: file({ networks: [{ id: 'news', inbox: 'moved' }] }) })).toThrow(
      /networks\[0\]\.inbox/,
    );
  });

  test('a network keeps delivered files in its inbox unless it says its systems take them', () => {
    const c = loadConfig({ env: {}, file: file({ networks: [{ id: 'news' }, { id: 'broadcast', inbox: 'taken' }] }) });
    expect(c.networks.map((n) => [n.id, n.inbox])).toEqual([
      ['news', 'kept'],
      ['broadcast', 'taken'],
    ]);
  });

  test('MXHUB_ADMIN_TOKEN shorter than 32 characters stops the hub, naming the variable but not the token', () => {
    const short = 'hunter2-is-not-a-token';
    let error: unknown;
    try {
      loadConfig({ env: { MXHUB_ADMIN_TOKEN: short }, flags: { data: dir } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^MXHUB_ADMIN_TOKEN is 22 characters long; an admin token needs at least 32/,
    );
    expect((error as Error).message).not.toContain(short);
    expect(() => loadConfig({ env: { MXHUB_ADMIN_TOKEN: 'x'.repeat(31) } })).toThrow(/MXHUB_ADMIN_TOKEN/);
    expect(loadConfig({ env: { MXHUB_ADMIN_TOKEN: 'x'.repeat(32) } }).adminToken).toBe('x'.repeat(32));
    // Empty is unset: the hub bootstraps DIR/admin-token instead.
    expect(loadConfig({ env: { MXHUB_ADMIN_TOKEN: '' } }).adminToken).toBeUndefined();
  });

  test('checkpoints are exported to DIR/checkpoints.jsonl unless checkpoints.exportFile names another file', () => {
    expect(loadConfig({ env: {}, flags: { data: dir } }).checkpoints.exportFile).toBe(join(dir, 'checkpoints.jsonl'));
    const f = file({ checkpoints: { exportFile: '/var/lib/auditor/mxhub.jsonl' } });
    expect(loadConfig({ env: {}, file: f }).checkpoints.exportFile).toBe('/var/lib/auditor/mxhub.jsonl');
    expect(() => loadConfig({ env: {}, file: file({ checkpoints: { exportFile: '' } }) })).toThrow(
      /checkpoints\.exportFile/,
    );
  });

  test('flags win over the environment, which wins over the file', () => {
    const f = file({ http: { port: 1000 }, dataDir: '/from/file' });
    expect(loadConfig({ env: { PORT: '2000' }, file: f }).http.port).toBe(2000);
    expect(loadConfig({ env: { PORT: '2000' }, file: f, flags: { port: 3000 } }).http.port).toBe(3000);
    expect(loadConfig({ env: { MXHUB_DATA: '/from/env' }, file: f }).dataDir).toBe('/from/env');
  });
});

describe('defaults', () => {
  test('come from the schema and fill in around what the file gives', () => {
    const c = loadConfig({ env: {}, file: file({ transfer: { channels: { urgent: 2 } } }), flags: { data: dir } });
    expect(c.transfer).toEqual({
      channels: { urgent: 2, normal: 12 },
      laneMbps: { urgent: null, normal: null },
      maxAttempts: 5,
      historyDays: 90,
    });
    expect(c.connectors).toEqual({
      stabilityMs: 2000,
      sidecarWaitMs: 2000,
      temporarySuffixes: ['.part', '.tmp', '.crdownload', '~'],
      rescanMs: 10_000,
    });
    expect(c).toMatchObject({ queuePrefix: 'mxhub', logLevel: 'info', checkpoints: { intervalMs: 10_000 } });
    expect(c.screening).toMatchObject({ concurrency: 16, engines: ['clamav', 'yara-x'], enginesConfigured: false });
    const named = loadConfig({ env: {}, file: file({ screening: { engines: ['yara-x'] } }) }).screening;
    expect(named).toMatchObject({ engines: ['yara-x'], enginesConfigured: true });
  });

  test('the environment still wins over a defaulted key; the file may set a prefix beside an environment URL', () => {
    const f = file({ redis: { prefix: 'hub-b' }, kafka: { topicPrefix: 'b.' }, log: { level: 'warn' } });
    const env = { DATABASE_URL: 'postgres://h/db', REDIS_URL: 'redis://h:6379', KAFKA_BROKERS: 'k1:9092' };
    expect(loadConfig({ env, file: f })).toMatchObject({
      profile: 'production',
      queuePrefix: 'hub-b',
      kafka: { brokers: ['k1:9092'], clientId: 'mxhub', topicPrefix: 'b.' },
      logLevel: 'warn',
    });
    expect(loadConfig({ env: { ...env, MXHUB_QUEUE_PREFIX: 'env', LOG_LEVEL: 'debug' }, file: f })).toMatchObject({
      queuePrefix: 'env',
      logLevel: 'debug',
    });
  });
});
