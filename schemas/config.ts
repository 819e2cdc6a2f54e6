import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_TEMPORARY_SUFFIXES } from '../connectors/watch-folder/drop-entries';
import { ROLES } from '../services/gateway/auth';

const NetworkId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });

export const NetworkConfig = Type.Object(
  {
    id: NetworkId,
    /** Root of the network's storage node; `drop/<target>/` and `inbox/` live under it. @default DIR/networks/<id> */
    root: Type.Optional(Type.String({ minLength: 1 })),
    /** Above `highWatermark` percent used, the hub evicts cached replicas down to `lowWatermark`. */
    capacity: Type.Object(
      {
        highWatermark: Type.Number({ minimum: 1, maximum: 100, default: 90 }),
        lowWatermark: Type.Number({ minimum: 0, maximum: 100, default: 80 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * What the network's systems do with the files the hub delivers into its `inbox/`. `kept`: they read them
     * in place, so a delivered file gone from the inbox is lost, and the fixity audit says `ReplicaMissing` and
     * repairs it. `taken`: they move them into their own storage (a playout server's watch folder), so a
     * delivered file gone from the inbox was taken: the audit says `ReplicaTaken` and the file is never
     * delivered again. A delivered file whose bytes changed is corrupt either way.
     */
    inbox: Type.Union([Type.Literal('kept'), Type.Literal('taken')], { default: 'kept' }),
  },
  { additionalProperties: false },
);

export const TokenConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    network: Type.Optional(NetworkId),
    /** A viewer's browse scope: configured networks whose assets it sees. @default every network */
    networks: Type.Optional(Type.Array(NetworkId, { minItems: 1, uniqueItems: true })),
    /** Content and full-quality proxies. @default true */
    canDownload: Type.Optional(Type.Boolean()),
    /** Metadata edits; only an admin or operator may have it. @default true for admin and operator, else false */
    canModify: Type.Optional(Type.Boolean()),
    /** SHA-256 hex of the bearer token: the token itself is never stored. */
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

const Strings = Type.Array(Type.String({ minLength: 1 }));
const Sha256List = Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }));

export const ScreeningConfig = Type.Object(
  {
    /** Screening jobs run at once in each hub process. */
    concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
    /**
     * Antivirus engines that must all say clean. The production profile refuses to start when one is
     * unreachable; the embedded profile drops an unreachable clamd and says so loudly. Naming them in the file
     * makes each one required, in any profile.
     */
    engines: Type.Array(Type.Union([Type.Literal('clamav'), Type.Literal('yara-x')]), {
      minItems: 1,
      uniqueItems: true,
      default: ['clamav', 'yara-x'],
    }),
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
    /** How long a stage whose engine is unreachable waits before it is tried again. */
    retryUnavailableMs: Type.Integer({ minimum: 10, default: 5000 }),
  },
  { additionalProperties: false, default: {} },
);

/** Megabits per second; null (the default) is unlimited. */
const MbpsOrNull = Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()], { default: null });

export const TransferConfig = Type.Object(
  {
    /** Channels per lane in each hub process; every added process adds its own. */
    channels: Type.Object(
      {
        urgent: Type.Integer({ minimum: 0, maximum: 256, default: 4 }),
        normal: Type.Integer({ minimum: 0, maximum: 256, default: 12 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Bandwidth cap per lane in this process, megabits per second; null = unlimited (admins change it at run time). */
    laneMbps: Type.Object({ urgent: MbpsOrNull, normal: MbpsOrNull }, { additionalProperties: false, default: {} }),
    /** Retryable failures of one transfer before it fails for good. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
    /** Finished transfers stay listed this long (the events are kept regardless). */
    historyDays: Type.Integer({ minimum: 1, default: 90 }),
    /** ffmpeg renditions at once in each hub process, on their own limiter. @default max(1, cores / 2) */
    transcodeConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  },
  { additionalProperties: false, default: {} },
);

/** A link's nominal speed between two networks' nodes; a pair not listed is unlimited. */
export const LinkConfig = Type.Object(
  { from: NetworkId, to: NetworkId, mbps: Type.Number({ exclusiveMinimum: 0 }) },
  { additionalProperties: false },
);

export const StorageConfig = Type.Object(
  {
    /** How often every node is probed (layout, statfs, a small write, read and delete in its hub area). */
    probeIntervalMs: Type.Integer({ minimum: 50, default: 5000 }),
    /** The centre's store: browse proxies, posters, filmstrips, waveforms, thumbnails. @default DIR/center */
    centerRoot: Type.Optional(Type.String({ minLength: 1 })),
    /** The fixity audit: re-hashes replicas, oldest verification first. */
    audit: Type.Object(
      {
        /** Read speed cap of the audit, megabits per second, over all nodes of this process. */
        mbps: Type.Number({ exclusiveMinimum: 0, default: 400 }),
        /** A replica is due for a new audit this long after its last verification. */
        intervalHours: Type.Number({ exclusiveMinimum: 0, default: 168 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** Browse renditions of cleared media (the media service). */
export const MediaConfig = Type.Object(
  {
    /**
     * Renditions made at once per hub process (the `media` queue spreads them over every process). 0: this
     * process makes none and takes no media work (a delivery-only process; on the embedded profile, none are
     * made until a start with 1 or more, which queues again the requests of the last day).
     */
    concurrency: Type.Integer({ minimum: 0, maximum: 64, default: 1 }),
    /** Seconds between two thumbnails of a video's filmstrip (at most 100 thumbnails: longer sources space them wider). */
    filmstripIntervalSeconds: Type.Number({ minimum: 0.1, maximum: 3600, default: 10 }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * The hub's configuration file (JSON, `--config FILE`). Every key may be left
 * out: the defaults here (`default`) are filled in by ajv (`useDefaults`, in
 * hub/config.ts) before `required` is checked, so a key with a default is
 * required in the static type (the file as read) but never in the file, and
 * the defaults give the embedded profile. Environment variables
 * (DATABASE_URL, REDIS_URL, KAFKA_BROKERS, MXHUB_DATA, PORT, LOG_LEVEL,
 * MXHUB_ADMIN_TOKEN, MXHUB_QUEUE_PREFIX) override the file. The README's
 * configuration table is checked against this schema (hub/readme-config.unit.spec.ts).
 */
export const ConfigSchema = Type.Object(
  {
    /** `embedded` (PGlite, in-process backbone and queues) or `production` (PostgreSQL, Redis, Kafka, clamd). */
    profile: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('production')])),
    /** Data directory: embedded database, checkpoint key, admin token, networks. */
    dataDir: Type.String({ minLength: 1, default: './mxhub-data' }),
    http: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Optional(
      Type.Object({ url: Type.String({ pattern: '^postgres(ql)?://' }) }, { additionalProperties: false }),
    ),
    // The URL and the brokers may come from the environment (REDIS_URL, KAFKA_BROKERS) while the file sets
    // the rest; hub/config.ts requires all three of PostgreSQL, Redis and Kafka for the production profile.
    redis: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^rediss?://' })),
        /** Key prefix of the hub's BullMQ queues: hubs that share a Redis but not a database need different ones. */
        prefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', default: 'mxhub' }),
      },
      { additionalProperties: false, default: {} },
    ),
    kafka: Type.Object(
      {
        brokers: Type.Optional(Type.Array(Type.String({ pattern: '^[^:\\s]+:\\d+$' }), { minItems: 1 })),
        clientId: Type.String({ minLength: 1, default: 'mxhub' }),
        topicPrefix: Type.String({ pattern: '^[A-Za-z0-9._-]*$', default: 'mxhub.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Each network's storage node. */
    networks: Type.Array(NetworkConfig, {
      minItems: 1,
      default: [{ id: 'broadcast' }, { id: 'archive' }, { id: 'news' }],
    }),
    connectors: Type.Object(
      {
        /** How long a dropped file's size and mtime must stay unchanged before it is taken. */
        stabilityMs: Type.Integer({ minimum: 0, default: 2000 }),
        /** How long a media file waits for its XML sidecar (and a sidecar for its media), counted from when it was first seen. */
        sidecarWaitMs: Type.Integer({ minimum: 0, default: 2000 }),
        /** Name endings of files still being written; never claimed. */
        temporarySuffixes: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
          maxItems: 64,
          default: DEFAULT_TEMPORARY_SUFFIXES,
        }),
        /** How often every drop folder is listed again (missed events, failed claims, refusals). */
        rescanMs: Type.Integer({ minimum: 100, default: 10_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    screening: ScreeningConfig,
    transfer: TransferConfig,
    storage: StorageConfig,
    media: MediaConfig,
    /** Nominal link speeds (GET /v1/links shows them beside the measured ones). */
    links: Type.Array(LinkConfig, { default: [] }),
    auth: Type.Object(
      {
        tokens: Type.Array(TokenConfig, { default: [] }),
        /** Failed logins: per username and per client address within `windowSeconds`, then locked `lockSeconds`. */
        lockout: Type.Object(
          {
            maxFailures: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
            perAddressMaxFailures: Type.Integer({ minimum: 1, maximum: 100000, default: 20 }),
            windowSeconds: Type.Integer({ minimum: 1, maximum: 86400, default: 900 }),
            lockSeconds: Type.Integer({ minimum: 1, maximum: 86400, default: 900 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Console sessions: end after `idleMinutes` without a request, and `absoluteHours` after login. */
        session: Type.Object(
          {
            idleMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
            absoluteHours: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    checkpoints: Type.Object(
      {
        /** Ed25519 private key (PKCS#8 PEM). @default DIR/checkpoint-key.pem, created on first start */
        keyFile: Type.Optional(Type.String({ minLength: 1 })),
        intervalMs: Type.Integer({ minimum: 100, default: 10_000 }),
        /**
         * Every signed checkpoint is appended here too (one JSON line each, fsynced), the anchors `mxhub verify`
         * holds the database to; keep a copy off the hub. @default DIR/checkpoints.jsonl
         */
        exportFile: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigSchema>;
