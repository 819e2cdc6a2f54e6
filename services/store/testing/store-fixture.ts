import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { unmeasuredLinks, type LinkStats } from '../domain/choose-source';
import { storeProjection } from '../read-model/projection';
import { createReplicaQueries, type ReplicaQueries } from '../read-model/queries';
import { createStoreRoutes } from '../routes';

export const NETWORKS = ['broadcast', 'archive', 'news'] as const;

export interface StoreFixture {
  gw: TestGateway;
  queries: ReplicaQueries;
  /** Where the fixture's nodes live: `<base>/<network>/`. */
  base: string;
  /** Appends events to the asset's stream, each a second after the one before. */
  append(assetId: string, ...events: Array<[type: string, data: object, actor?: string]>): Promise<void>;
  /** Runs the store's projection up to the head of the log. */
  project(): Promise<void>;
  /**
   * A cleared asset whose origin copy holds `bytes` on `network` (a real
   * file in its staging), as the connector and screening leave it.
   */
  clearedAsset(
    name: string,
    bytes: Buffer,
    network?: string,
  ): Promise<{ assetId: string; path: string; sha256: string }>;
  dispose(): Promise<void>;
}

/** A gateway with the store's routes over a fresh database of `kind`, the store projection, and node folders. */
export async function createStoreFixture(
  kind: 'postgres' | 'pglite',
  options: { links?: LinkStats } = {},
): Promise<StoreFixture> {
  const base = await mkdtemp(join(tmpdir(), 'mxhub-store-'));
  const gw = await startTestGateway(kind, {
    routes: [
      async (app, opts) =>
        app.register(
          createStoreRoutes({
            queries: createReplicaQueries(opts.deps.sql),
            store: opts.deps.store,
            networks: NETWORKS,
            links: options.links ?? unmeasuredLinks,
          }),
          opts,
        ),
    ],
  });
  const queries = createReplicaQueries(gw.deps.sql);
  const runner: ProjectionRunner = createProjectionRunner({
    sql: gw.deps.sql,
    store: gw.store,
    projections: [storeProjection],
    logger: pino({ level: 'silent' }),
  });
  let second = 0;

  async function append(assetId: string, ...events: Array<[string, object, string?]>): Promise<void> {
    const stamped: NewEvent[] = events.map(([type, data, actor]) => ({
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: {
        correlationId: assetId,
        causationId: assetId,
        actor: actor ?? 'test',
        occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, second++)).toISOString(),
      },
    }));
    await gw.store.append(`asset-${assetId}`, stamped, 'any');
  }

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  async function clearedAsset(name: string, bytes: Buffer, network = 'news') {
    const assetId = uuidv7();
    const dir = join(base, network, '.mxhub', 'staging', assetId);
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFile(path, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sizeBytes = bytes.length;
    await append(
      assetId,
      ['AssetDetected', { sourceNetwork: network, targets: [], originalName: name, sizeBytes }],
      ['AssetIngested', { stagedPath: path, sizeBytes, sha256 }],
      ['AssetCleared', { targets: [] }],
      ['ReplicaStored', { network, path, sha256, kind: 'origin', sizeBytes }],
    );
    await project();
    return { assetId, path, sha256 };
  }

  return {
    gw,
    queries,
    base,
    append,
    project,
    clearedAsset,
    async dispose() {
      await gw.dispose();
      await rm(base, { recursive: true, force: true });
    },
  };
}
