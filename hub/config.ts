import Ajv, { type ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../lib/errors';
import { describeSchemaError } from '../lib/schema-errors';
import { MIN_ADMIN_TOKEN_LENGTH } from './admin-token';
import { ConfigSchema, type ConfigFile } from '../schemas/config';
import { defaultPolicies, loadPolicies } from '../services/screening/analysis/policy';
import type { Role, TokenEntry } from '../services/gateway/auth';
import { tokenRights } from '../services/gateway/rights';
import type { ScreeningSettings } from '../services/screening/settings';

export type { ScreeningSettings };

type ScreeningFile = ConfigFile['screening'];

export type { Role };

/** Configuration with every default filled in: what the composition root passes down. */
export interface HubConfig {
  profile: 'embedded' | 'production';
  dataDir: string;
  http: { host: string; port: number };
  databaseUrl?: string;
  redisUrl?: string;
  /** Key prefix of the BullMQ queues. */
  queuePrefix: string;
  kafka?: { brokers: string[]; clientId: string; topicPrefix: string };
  networks: Array<{
    id: string;
    root: string;
    capacity?: { highWatermark: number; lowWatermark: number };
    /** What the network's systems do with delivered files (`kept` in place, or `taken` away). @default kept */
    inbox?: 'kept' | 'taken';
  }>;
  connectors: { stabilityMs: number; sidecarWaitMs: number; temporarySuffixes: string[]; rescanMs: number };
  tokens: TokenEntry[];
  adminToken?: string;
  /** Users' logins and sessions (`auth.lockout`, `auth.session`); the secret is MXHUB_SESSION_SECRET or DIR/session-secret. */
  users: Pick<ConfigFile['auth'], 'lockout' | 'session'> & { sessionSecret?: string };
  /** `exportFile`: the auditor's copy of every signed checkpoint (one JSON line each, fsynced). */
  checkpoints: { keyFile: string; intervalMs: number; exportFile: string };
  screening: ScreeningSettings;
  transfer: TransferSettings;
  /** Browse renditions: where they are kept (`storage.centerRoot`), how many are made at once, the filmstrip's spacing. */
  media: { centerRoot: string; concurrency: number; filmstripIntervalSeconds: number };
  /** Node probes and the fixity audit (`storage`), nominal link speeds (`links`). */
  storage?: ConfigFile['storage'];
  links?: ConfigFile['links'];
  logLevel: string;
}

/** The transfer section with defaults filled in. */
export interface TransferSettings {
  channels: { urgent: number; normal: number };
  laneMbps: { urgent: number | null; normal: number | null };
  maxAttempts: number;
  historyDays: number;
  /** Renditions at once per process; absent: max(1, cores / 2). */
  transcodeConcurrency?: number;
}

/** The screening section with defaults filled in. */
export interface ConfigSources {
  /** Path of a JSON config file (`--config`). */
  file?: string;
  /** Command-line flags, which win over everything. */
  flags?: { data?: string; port?: number; host?: string };
  env: Record<string, string | undefined>;
}

function explain(where: string, e: ErrorObject): string {
  const p = describeSchemaError(e);
  const at = p.at || '(top level)';
  if (p.keyword === 'additionalProperties') {
    const prefix = p.at ? `${p.at}.` : '';
    const near = p.suggestion ? ` (did you mean "${prefix}${p.suggestion}"?)` : '';
    return `${where}: unknown key "${p.field}"${near}; allowed: ${p.accepted.join(', ')}`;
  }
  if (p.keyword === 'required') return `${where}: ${at} needs "${p.key}"`;
  return `${where}: ${at} ${p.rule}`;
}

// useDefaults fills in the schema's `default`s (schemas/config.ts) while validating: the one place defaults live.
const validateConfig = new Ajv({ allErrors: false, strict: false, verbose: true, useDefaults: true }).compile(
  ConfigSchema,
);

/** Validates a parsed config file (`{}` for none) and fills in the schema's defaults, in place. */
function withDefaults(parsed: unknown, where: string): ConfigFile {
  if (!validateConfig(parsed)) throw new ConfigError(explain(where, validateConfig.errors![0]!));
  return parsed;
}

function parseConfigFile(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Parses and validates the config file, naming the bad key and what is accepted; defaults filled in. */
export function readConfigFile(file: string): ConfigFile {
  return withDefaults(parseConfigFile(file), `config file ${file}`);
}

/** Merges file, environment and flags into a HubConfig, choosing the profile. */
export function loadConfig(sources: ConfigSources): HubConfig {
  const raw = sources.file ? parseConfigFile(sources.file) : {};
  // Read before the defaults are filled in: engines named in the file are each required, in any profile.
  const enginesConfigured = (raw as { screening?: { engines?: unknown } } | null)?.screening?.engines !== undefined;
  const file = withDefaults(raw, sources.file ? `config file ${sources.file}` : 'configuration');
  // An empty variable means unset, as a shell's `VAR= cmd` intends.
  const env = Object.fromEntries(Object.entries(sources.env).filter(([, v]) => v !== undefined && v !== ''));
  const dataDir = resolve(sources.flags?.data ?? env.MXHUB_DATA ?? file.dataDir);
  const databaseUrl = env.DATABASE_URL ?? file.database?.url;
  const redisUrl = env.REDIS_URL ?? file.redis.url;
  const brokers = env.KAFKA_BROKERS
    ? env.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : file.kafka.brokers;
  if (brokers?.some((b) => !/^[^:\s]+:\d+$/.test(b))) {
    throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...], got "${env.KAFKA_BROKERS}"`);
  }
  const named = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, KAFKA_BROKERS: brokers };
  const given = Object.entries(named).filter(([, v]) => v !== undefined);
  const profile = file.profile ?? (given.length === 3 ? 'production' : 'embedded');
  if (profile === 'production' && given.length < 3) {
    const missing = Object.entries(named)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    throw new ConfigError(
      `the production profile needs PostgreSQL, Redis and Kafka: set ${missing.join(', ')} (or the config keys database.url, redis.url, kafka.brokers)`,
    );
  }
  if (profile === 'embedded' && given.length > 0 && given.length < 3 && !file.profile) {
    const missing = Object.entries(named)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    throw new ConfigError(
      `${given.map(([k]) => k).join(' and ')} set without ${missing.join(', ')}: set all three for the production profile, or none for the embedded one (or say "profile" in a config file)`,
    );
  }
  const screening = screeningSettings(file.screening, enginesConfigured);
  file.networks.forEach((n, i) => {
    if (n.capacity.lowWatermark > n.capacity.highWatermark)
      throw new ConfigError(
        `networks[${i}].capacity.lowWatermark (${n.capacity.lowWatermark}) must not be above highWatermark (${n.capacity.highWatermark}): eviction frees space from the high mark down to the low one`,
      );
  });
  for (const n of file.networks) {
    if (!screening.policies[n.id]) {
      throw new ConfigError(
        `network '${n.id}' has no analysis policy: add screening.policies.${n.id} (known: ${Object.keys(screening.policies).join(', ')})`,
      );
    }
  }
  const networkIds = file.networks.map((n) => n.id);
  file.auth.tokens.forEach((t, i) => {
    const unknown = t.networks?.find((n) => !networkIds.includes(n));
    if (unknown !== undefined)
      throw new ConfigError(
        `auth.tokens[${i}].networks (token "${t.name}"): '${unknown}' is not a configured network (configured: ${networkIds.join(', ')})`,
      );
    tokenRights(t, `auth.tokens[${i}]`);
  });
  // Empty means unset (the hub then bootstraps DIR/admin-token); the message never repeats the token.
  if (env.MXHUB_ADMIN_TOKEN && env.MXHUB_ADMIN_TOKEN.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `MXHUB_ADMIN_TOKEN is ${env.MXHUB_ADMIN_TOKEN.length} characters long; an admin token needs at least ${MIN_ADMIN_TOKEN_LENGTH} (for example: openssl rand -base64 32)`,
    );
  }
  const port = sources.flags?.port ?? (env.PORT ? Number(env.PORT) : undefined) ?? file.http.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`port must be 0..65535, got ${env.PORT}`);
  return {
    profile,
    dataDir,
    http: { host: sources.flags?.host ?? file.http.host, port },
    databaseUrl: profile === 'production' ? databaseUrl : undefined,
    redisUrl: profile === 'production' ? redisUrl : undefined,
    queuePrefix: env.MXHUB_QUEUE_PREFIX ?? file.redis.prefix,
    kafka:
      profile === 'production' && brokers
        ? { brokers, clientId: file.kafka.clientId, topicPrefix: file.kafka.topicPrefix }
        : undefined,
    networks: file.networks.map((n) => ({
      id: n.id,
      root: resolve(n.root ?? join(dataDir, 'networks', n.id)),
      capacity: n.capacity,
      inbox: n.inbox,
    })),
    connectors: file.connectors,
    tokens: file.auth.tokens,
    adminToken: env.MXHUB_ADMIN_TOKEN,
    users: {
      lockout: file.auth.lockout,
      session: file.auth.session,
      ...(env.MXHUB_SESSION_SECRET ? { sessionSecret: env.MXHUB_SESSION_SECRET } : {}),
    },
    checkpoints: {
      // Under the data directory unless named: they follow --data and MXHUB_DATA, so no schema default.
      keyFile: resolve(file.checkpoints.keyFile ?? join(dataDir, 'checkpoint-key.pem')),
      intervalMs: file.checkpoints.intervalMs,
      exportFile: resolve(file.checkpoints.exportFile ?? join(dataDir, 'checkpoints.jsonl')),
    },
    screening,
    transfer: file.transfer,
    storage: file.storage,
    media: {
      // Under the data directory unless named: it follows --data and MXHUB_DATA, so no schema default.
      centerRoot: resolve(file.storage.centerRoot ?? join(dataDir, 'center')),
      ...file.media,
    },
    links: file.links,
    logLevel: env.LOG_LEVEL ?? file.log.level,
  };
}

function screeningSettings(raw: ScreeningFile, enginesConfigured: boolean): ScreeningSettings {
  return {
    ...raw,
    enginesConfigured,
    policies: raw.policies ? { ...defaultPolicies, ...loadPolicies(raw.policies) } : defaultPolicies,
  };
}
