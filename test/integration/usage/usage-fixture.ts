import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent, StoredEvent } from '../../../events/envelope';
import { createProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import type { TokenEntry } from '../../../services/gateway/auth';
import { hashToken } from '../../../services/gateway/auth';
import { startTestGateway, type TestGateway } from '../../../services/gateway/testing/gateway-fixture';
import { unmeasuredLinks } from '../../../services/store/domain/choose-source';
import { createPickSends, type PickSends } from '../../../services/store/fetch/pick-sends';
import { storeProjection } from '../../../services/store/read-model/projection';
import { createReplicaQueries } from '../../../services/store/read-model/queries';
import { createStoreRoutes } from '../../../services/store/routes';
import { usageProjection } from '../../../services/usage/read-model/projection';
import { createUsageService } from '../../../services/usage/service';
import { settled } from '../../support/settle';

export const NETWORKS = ['broadcast', 'archive', 'news'] as const;

/** Extra users: a second operator (picks are per user) and a viewer who sees only archive's assets. */
export const MORE_USERS = {
  ops2: randomBytes(24).toString('base64url'),
  scoped: randomBytes(24).toString('base64url'),
};

export interface UsageFixture {
  gw: TestGateway;
  pickSends: PickSends;
  /** A cleared asset whose origin copy (a real file) is on `network`. */
  clearedAsset(name: string, network?: string): Promise<string>;
  /** Hands every new PickSent to the store's answer, as its backbone consumer would, then projects. */
  react(): Promise<void>;
  project(): Promise<void>;
  call(method: string, url: string, auth: Record<string, string>, body?: object): ReturnType<TestGateway['request']>;
  dispose(): Promise<void>;
}

export interface UsageFixtureOptions {
  /**
   * The store answers every PickSent as the log commits it (a live
   * subscription, as its backbone consumer would), and a send waits this
   * long for the answer. Absent: the send does not wait, and `react` feeds
   * the answer by hand.
   */
  liveAnswerWaitMs?: number;
}

/** The store's and the usage service's routes over one database of `kind`, their projections, the store's pick-send answer. */
export async function createUsageFixture(
  kind: 'postgres' | 'pglite',
  options: UsageFixtureOptions = {},
): Promise<UsageFixture> {
  const base = await mkdtemp(join(tmpdir(), 'mxhub-usage-'));
  const more: TokenEntry[] = [
    { name: 'ops2', role: 'operator', sha256: hashToken(MORE_USERS.ops2) },
    { name: 'scoped', role: 'viewer', networks: ['archive'], sha256: hashToken(MORE_USERS.scoped) },
  ];
  const gw = await startTestGateway(
    kind,
    {
      routes: [
        async (app, opts) => {
          const { store, sql } = opts.deps;
          const queries = createReplicaQueries(sql);
          await app.register(createStoreRoutes({ queries, store, networks: NETWORKS, links: unmeasuredLinks }), opts);
          const usage = createUsageService(
            { store, sql, networks: NETWORKS },
            { sendAnswerWaitMs: options.liveAnswerWaitMs ?? 0 },
          );
          await app.register(usage.routes, opts);
        },
      ],
    },
    more,
  );
  const logger = pino({ level: 'silent' });
  const runner = createProjectionRunner({
    sql: gw.deps.sql,
    store: gw.store,
    projections: [storeProjection, usageProjection],
    logger,
  });
  const pickSends = createPickSends({
    fetch: { queries: createReplicaQueries(gw.deps.sql), store: gw.store, links: unmeasuredLinks },
    store: gw.store,
    logger,
  });
  let fed = 0n;
  const live =
    options.liveAnswerWaitMs === undefined
      ? undefined
      : gw.store.subscribe((e) => pickSends.handle(e), { after: 0n, pollMs: 50 });

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  async function clearedAsset(name: string, network = 'news'): Promise<string> {
    const assetId = uuidv7();
    const dir = join(base, network, '.mxhub', 'staging', assetId);
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    const bytes = randomBytes(4096);
    await writeFile(path, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sizeBytes = bytes.length;
    const metadata = {
      correlationId: assetId,
      causationId: assetId,
      actor: `connector:${network}`,
      occurredAt: new Date().toISOString(),
    };
    const events: NewEvent[] = [
      ['AssetDetected', { sourceNetwork: network, targets: [], originalName: name, sizeBytes }],
      ['AssetIngested', { stagedPath: path, sizeBytes, sha256 }],
      ['AssetCleared', { targets: [] }],
      ['ReplicaStored', { network, path, sha256, kind: 'origin', sizeBytes }],
    ].map(([type, data]) => ({ id: uuidv7(), type: type as string, data: { assetId, ...(data as object) }, metadata }));
    await gw.store.append(`asset-${assetId}`, events, 'no_stream');
    await project();
    return assetId;
  }

  async function react(): Promise<void> {
    await project();
    const events: StoredEvent[] = await gw.store.readAll({ after: fed });
    for (const e of events) {
      await pickSends.handle(e);
      fed = e.position;
    }
    await project();
  }

  return {
    gw,
    pickSends,
    clearedAsset,
    react,
    project,
    call: (method, url, auth, body) =>
      gw.request({
        method,
        url,
        headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    async dispose() {
      await live?.stop();
      await gw.dispose();
      await rm(base, { recursive: true, force: true });
    },
  };
}
