import { Type, type Static } from '@sinclair/typebox';

const NetworkId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });

export const NetworkConfig = Type.Object(
  {
    id: NetworkId,
    /** Root of the network's storage node; `drop/<target>/` and `inbox/` live under it. @default DIR/networks/<id> */
    root: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const TokenConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(['admin', 'operator', 'auditor', 'connector', 'viewer'].map((r) => Type.Literal(r))),
    network: Type.Optional(NetworkId),
    /** SHA-256 hex of the bearer token: the token itself is never stored. */
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

const Strings = Type.Array(Type.String({ minLength: 1 }));
const Sha256List = Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }));

export const ScreeningConfig = Type.Object(
  {
    /** Screening jobs run at once in each hub process. @default 16 */
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    /**
     * Antivirus engines that must all say clean. The production profile refuses to start when one is
     * unreachable; the embedded profile drops an unreachable clamd and says so loudly.
     * @default ["clamav", "yara-x"]
     */
    engines: Type.Optional(
      Type.Array(Type.Union([Type.Literal('clamav'), Type.Literal('yara-x')]), { minItems: 1, uniqueItems: true }),
    ),
    /** Where clamd listens: TCP host and port, or a unix socket. @default 127.0.0.1:13310 (ops/clamav) */
    clamd: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          socket: Type.Optional(Type.String({ minLength: 1 })),
          /** How long clamd may scan one part after its last byte. @default 300000 */
          verdictTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** YARA rule files or folders. @default the shipped services/screening/rules */
    yaraRules: Type.Optional(Strings),
    whitelist: Type.Optional(
      Type.Object(
        {
          /** Source network -> targets it may send to; unlisted sources may send to every other network. */
          routes: Type.Optional(Type.Record(Type.String(), Strings)),
          /** Network -> actors allowed to detect its files. @default connector:<network> */
          connectors: Type.Optional(Type.Record(Type.String(), Strings)),
          /** Target -> accepted extensions, lower case without the dot. */
          types: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String({ pattern: '^[a-z0-9]+$' })))),
          denyHashes: Type.Optional(Sha256List),
          allowHashes: Type.Optional(Sha256List),
        },
        { additionalProperties: false },
      ),
    ),
    /** Smallest and largest file accepted, bytes. @default 1 and 1 TiB */
    minBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    archives: Type.Optional(
      Type.Object(
        {
          maxDepth: Type.Optional(Type.Integer({ minimum: 1 })),
          maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
          maxTotalSize: Type.Optional(Type.Integer({ minimum: 1 })),
          maxRatio: Type.Optional(Type.Number({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Target -> acceptance policy (MediaConch-style); see services/screening/analysis/policy.ts. */
    policies: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** Largest difference between a sidecar's duration and the analysed one, seconds. @default 0.5 */
    durationToleranceSeconds: Type.Optional(Type.Number({ minimum: 0 })),
    /** How long a stage whose engine is unreachable waits before it is tried again. @default 5000 */
    retryUnavailableMs: Type.Optional(Type.Integer({ minimum: 10 })),
  },
  { additionalProperties: false },
);

const MbpsOrNull = Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()]);

export const TransferConfig = Type.Object(
  {
    /** Channels per lane in each hub process; every added process adds its own. @default { urgent: 4, normal: 12 } */
    channels: Type.Optional(
      Type.Object(
        {
          urgent: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })),
          normal: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Bandwidth cap per lane in this process, megabits per second; null = unlimited (admins change it at run time). */
    laneMbps: Type.Optional(
      Type.Object(
        { urgent: Type.Optional(MbpsOrNull), normal: Type.Optional(MbpsOrNull) },
        { additionalProperties: false },
      ),
    ),
    /** Retryable failures of one transfer before it fails for good. @default 5 */
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** Finished transfers stay listed this long (the events are kept regardless). @default 90 */
    historyDays: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/**
 * The hub's configuration file (JSON, `--config FILE`). Every key is optional;
 * defaults give the embedded profile. Environment variables (DATABASE_URL,
 * REDIS_URL, KAFKA_BROKERS, MXHUB_DATA, PORT, LOG_LEVEL, MXHUB_ADMIN_TOKEN)
 * override the file.
 */
export const ConfigSchema = Type.Object(
  {
    /** `embedded` (PGlite, in-process backbone and queues) or `production` (PostgreSQL, Redis, Kafka, clamd). */
    profile: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('production')])),
    /** Data directory: embedded database, checkpoint key, admin token, networks. @default ./mxhub-data */
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
    http: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
        },
        { additionalProperties: false },
      ),
    ),
    database: Type.Optional(
      Type.Object({ url: Type.String({ pattern: '^postgres(ql)?://' }) }, { additionalProperties: false }),
    ),
    redis: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^rediss?://' }),
          /** Key prefix of the hub's BullMQ queues: hubs that share a Redis but not a database need different ones. @default mxhub */
          prefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    kafka: Type.Optional(
      Type.Object(
        {
          brokers: Type.Array(Type.String({ pattern: '^[^:\\s]+:\\d+$' }), { minItems: 1 }),
          clientId: Type.Optional(Type.String({ minLength: 1 })),
          topicPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]*$' })),
        },
        { additionalProperties: false },
      ),
    ),
    networks: Type.Optional(Type.Array(NetworkConfig, { minItems: 1 })),
    connectors: Type.Optional(
      Type.Object(
        {
          /** How long a dropped file's size and mtime must stay unchanged before it is taken. @default 2000 */
          stabilityMs: Type.Optional(Type.Integer({ minimum: 0 })),
          /** How long a media file waits for its XML sidecar (and a sidecar for its media). @default 5000 */
          sidecarWaitMs: Type.Optional(Type.Integer({ minimum: 0 })),
          /** Name endings of files still being written; never claimed. @default [".part", ".tmp", ".crdownload", "~"] */
          temporarySuffixes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 64 })),
          /** How often every drop folder is listed again (missed events, failed claims, refusals). @default 10000 */
          rescanMs: Type.Optional(Type.Integer({ minimum: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    screening: Type.Optional(ScreeningConfig),
    transfer: Type.Optional(TransferConfig),
    auth: Type.Optional(Type.Object({ tokens: Type.Array(TokenConfig) }, { additionalProperties: false })),
    checkpoints: Type.Optional(
      Type.Object(
        {
          /** Ed25519 private key (PKCS#8 PEM). @default DIR/checkpoint-key.pem, created on first start */
          keyFile: Type.Optional(Type.String({ minLength: 1 })),
          /** @default 10000 */
          intervalMs: Type.Optional(Type.Integer({ minimum: 100 })),
          /**
           * Every signed checkpoint is appended here too (one JSON line each, fsynced), the anchors `mxhub verify`
           * holds the database to; keep a copy off the hub. @default DIR/checkpoints.jsonl
           */
          exportFile: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    log: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(
            Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigSchema>;
