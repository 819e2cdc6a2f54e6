import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createPGliteEventStore } from '../../../events/store/adapters/pglite';
import { createPostgresEventStore } from '../../../events/store/adapters/postgres';
import type { EventStore } from '../../../events/store/event-store';
import { createTestSql } from '../../../test/support/pg';
import { buildGateway, type Gateway, type GatewayOptions } from '../app';
import { hashToken, ROLES, type Role, type TokenEntry } from '../auth';
import type { GatewayDeps, Readiness } from '../deps';

export interface TestRequest {
  method?: string;
  /** Path and query, e.g. `/v1/events?limit=2`. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface TestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
  json(): any;
}

export interface TestGateway {
  app: Gateway;
  /**
   * One HTTP request to the listening gateway, through a real socket (body
   * limits, headers on the wire). Where that does not matter, `app.inject`
   * is simpler: jest.config.js transforms its ESM-only dependencies.
   */
  request(r: TestRequest): Promise<TestResponse>;
  store: EventStore;
  deps: GatewayDeps;
  /** A valid token per role (the connector's is bound to network `news`). */
  tokens: Record<Role, string>;
  /** `{ authorization: 'Bearer ...' }` for a role. */
  as(role: Role): { authorization: string };
  /** What `/health/ready` answers next. */
  setReadiness(r: Readiness | Error): void;
  /** Parsed log lines written so far. */
  logs(): Array<Record<string, unknown>>;
  dispose(): Promise<void>;
}

/**
 * A gateway over a fresh, migrated database of the given kind, with one
 * random token per role (and `moreTokens`, for rights) and its log captured
 * (not printed) for assertions.
 */
export async function startTestGateway(
  kind: 'postgres' | 'pglite' = 'postgres',
  options: GatewayOptions = {},
  moreTokens: TokenEntry[] = [],
): Promise<TestGateway> {
  const t = await createTestSql(kind);
  const store = kind === 'postgres' ? createPostgresEventStore(t.sql) : createPGliteEventStore(t.sql);
  const tokens = Object.fromEntries(ROLES.map((r) => [r, randomBytes(24).toString('base64url')])) as Record<
    Role,
    string
  >;
  const entries: TokenEntry[] = ROLES.map((role) => ({
    name: `test-${role}`,
    role,
    sha256: hashToken(tokens[role]),
    ...(role === 'connector' ? { network: 'news' } : {}),
  }));
  const lines: string[] = [];
  let readiness: Readiness | Error = { ready: true, checks: { store: { ok: true } } };
  const deps: GatewayDeps = {
    store,
    sql: t.sql,
    // debug: request lines are logged there, and tests follow a request's correlation id through them.
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
    metrics: new Registry(),
    auth: { tokens: [...entries, ...moreTokens] },
    health: {
      async ready() {
        if (readiness instanceof Error) throw readiness;
        return readiness;
      },
    },
  };
  const app = buildGateway(deps, options);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    async request({ method = 'GET', url, headers = {}, body }) {
      const res = await fetch(`${base}${url}`, { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      return {
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: text,
        json: () => JSON.parse(text),
      };
    },
    store,
    deps,
    tokens,
    as: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    setReadiness: (r) => void (readiness = r),
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async dispose() {
      await app.close();
      await store.close();
      await t.dispose();
    },
  };
}
