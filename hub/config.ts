import Ajv, { type ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../lib/errors';
import { describeSchemaError } from '../lib/schema-errors';
import { MIN_ADMIN_TOKEN_LENGTH } from './admin-token';
import { ConfigSchema, type ConfigFile } from '../schemas/config';
import { defaultPolicies, loadPolicies } from '../services/screening/analysis/policy';
import { DEFAULT_TEMPORARY_SUFFIXES } from '../connectors/watch-folder/drop-entries';
import type { ScreeningSettings } from '../services/screening/settings';

export type { ScreeningSettings };

type ScreeningFile = NonNullable<ConfigFile['screening']>;

export type Role = 'admin' | 'operator' | 'auditor' | 'connector' | 'viewer';

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
  networks: Array<{ id: string; root: string }>;
  connectors: { stabilityMs: number; sidecarWaitMs: number; temporarySuffixes: string[]; rescanMs: number };
  tokens: Array<{ name: string; role: Role; network?: string; sha256: string }>;
  adminToken?: string;
  /** `exportFile`: the auditor's copy of every signed checkpoint (one JSON line each, fsynced). */
  checkpoints: { keyFile: string; intervalMs: number; exportFile: string };
  screening: ScreeningSettings;
  transfer: TransferSettings;
  logLevel: string;
}

/** The transfer section with defaults filled in. */
export interface TransferSettings {
  channels: { urgent: number; normal: number };
  laneMbps: { urgent: number | null; normal: number | null };
  maxAttempts: number;
  historyDays: number;
}

/** The screening section with defaults filled in. */
export interface ConfigSources {
  /** Path of a JSON config file (`--config`). */
  file?: string;
  /** Command-line flags, which win over everything. */
  flags?: { data?: string; port?: number; host?: string };
  env: Record<string, string | undefined>;
}

const DEFAULT_NETWORKS = ['broadcast', 'archive', 'news'];

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

/** Parses and validates the config file, naming the bad key and what is accepted. */
export function readConfigFile(file: string): ConfigFile {
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const validate = new Ajv({ allErrors: false, strict: false, verbose: true }).compile(ConfigSchema);
  if (!validate(parsed)) throw new ConfigError(explain(`config file ${file}`, validate.errors![0]!));
  return parsed as ConfigFile;
}

/** Merges file, environment and flags into a HubConfig, choosing the profile. */
export function loadConfig(sources: ConfigSources): HubConfig {
  const file: ConfigFile = sources.file ? readConfigFile(sources.file) : {};
  const env = sources.env;
  const dataDir = resolve(sources.flags?.data ?? env.MXHUB_DATA ?? file.dataDir ?? 'mxhub-data');
  const databaseUrl = env.DATABASE_URL ?? file.database?.url;
  const redisUrl = env.REDIS_URL ?? file.redis?.url;
  const brokers = env.KAFKA_BROKERS
    ? env.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : file.kafka?.brokers;
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
  const screening = screeningSettings(file.screening ?? {});
  for (const n of file.networks ?? []) {
    if (!screening.policies[n.id]) {
      throw new ConfigError(
        `network '${n.id}' has no analysis policy: add screening.policies.${n.id} (known: ${Object.keys(screening.policies).join(', ')})`,
      );
    }
  }
  // Empty means unset (the hub then bootstraps DIR/admin-token); the message never repeats the token.
  if (env.MXHUB_ADMIN_TOKEN && env.MXHUB_ADMIN_TOKEN.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `MXHUB_ADMIN_TOKEN is ${env.MXHUB_ADMIN_TOKEN.length} characters long; an admin token needs at least ${MIN_ADMIN_TOKEN_LENGTH} (for example: openssl rand -base64 32)`,
    );
  }
  const port = sources.flags?.port ?? (env.PORT ? Number(env.PORT) : undefined) ?? file.http?.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`port must be 0..65535, got ${env.PORT}`);
  return {
    profile,
    dataDir,
    http: { host: sources.flags?.host ?? file.http?.host ?? '127.0.0.1', port },
    databaseUrl: profile === 'production' ? databaseUrl : undefined,
    redisUrl: profile === 'production' ? redisUrl : undefined,
    queuePrefix: env.MXHUB_QUEUE_PREFIX ?? file.redis?.prefix ?? 'mxhub',
    kafka:
      profile === 'production' && brokers
        ? { brokers, clientId: file.kafka?.clientId ?? 'mxhub', topicPrefix: file.kafka?.topicPrefix ?? 'mxhub.' }
        : undefined,
    networks: (file.networks ?? DEFAULT_NETWORKS.map((id): { id: string; root?: string } => ({ id }))).map((n) => ({
      id: n.id,
      root: resolve(n.root ?? join(dataDir, 'networks', n.id)),
    })),
    connectors: {
      stabilityMs: file.connectors?.stabilityMs ?? 2000,
      sidecarWaitMs: file.connectors?.sidecarWaitMs ?? 5000,
      temporarySuffixes: file.connectors?.temporarySuffixes ?? DEFAULT_TEMPORARY_SUFFIXES,
      rescanMs: file.connectors?.rescanMs ?? 10_000,
    },
    tokens: (file.auth?.tokens ?? []) as HubConfig['tokens'],
    adminToken: env.MXHUB_ADMIN_TOKEN,
    checkpoints: {
      keyFile: resolve(file.checkpoints?.keyFile ?? join(dataDir, 'checkpoint-key.pem')),
      intervalMs: file.checkpoints?.intervalMs ?? 10_000,
      exportFile: resolve(file.checkpoints?.exportFile ?? join(dataDir, 'checkpoints.jsonl')),
    },
    screening,
    transfer: {
      channels: { urgent: file.transfer?.channels?.urgent ?? 4, normal: file.transfer?.channels?.normal ?? 12 },
      laneMbps: { urgent: file.transfer?.laneMbps?.urgent ?? null, normal: file.transfer?.laneMbps?.normal ?? null },
      maxAttempts: file.transfer?.maxAttempts ?? 5,
      historyDays: file.transfer?.historyDays ?? 90,
    },
    logLevel: env.LOG_LEVEL ?? file.log?.level ?? 'info',
  };
}

function screeningSettings(raw: ScreeningFile): ScreeningSettings {
  return {
    ...raw,
    concurrency: raw.concurrency ?? 16,
    engines: raw.engines ?? ['clamav', 'yara-x'],
    enginesConfigured: raw.engines !== undefined,
    policies: raw.policies ? { ...defaultPolicies, ...loadPolicies(raw.policies) } : defaultPolicies,
    retryUnavailableMs: raw.retryUnavailableMs ?? 5000,
  };
}
