import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { allProjections, createProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import { hashToken } from '../../gateway/auth';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { createCatalogService, type CatalogService } from '../service';

const SHA = 'c'.repeat(64);

export interface SeedAsset {
  network: string;
  name: string;
  /** Detection time; the events after it follow a second apart. */
  at: string;
  targets?: string[];
  sidecar?: Record<string, unknown>;
  technical?: Record<string, unknown>;
  /** Cleared unless quarantined. */
  quarantined?: boolean;
  /** Replicas beyond the origin: `[network, kind]`. */
  copies?: Array<[string, 'delivered' | 'cached']>;
}

export interface CatalogFixture {
  gw: TestGateway;
  catalog: CatalogService;
  /** Authorization headers of a viewer scoped to `news` and of an operator without the modify right. */
  newsViewer: { authorization: string };
  readerOperator: { authorization: string };
  /** Appends an asset's journey as screening and delivery record it; returns its id. */
  seed(asset: SeedAsset): Promise<string>;
  append(assetId: string, type: string, data: object, actor?: string): Promise<void>;
  /** Runs every projection (the list joins the assets read model) up to the head of the log. */
  project(): Promise<void>;
  dispose(): Promise<void>;
}

/** A gateway with the catalog's routes over a fresh database of `kind`, a viewer scoped to `news`, every projection. */
export async function createCatalogFixture(kind: 'postgres' | 'pglite'): Promise<CatalogFixture> {
  let catalog: CatalogService | undefined;
  const scoped = randomBytes(24).toString('base64url');
  const reader = randomBytes(24).toString('base64url');
  const gw = await startTestGateway(
    kind,
    {
      routes: [
        async (app, opts) => {
          catalog = createCatalogService({ store: opts.deps.store, sql: opts.deps.sql });
          await app.register(catalog.routes, opts);
        },
      ],
    },
    [
      { name: 'news-viewer', role: 'viewer', sha256: hashToken(scoped), networks: ['news'] },
      { name: 'reader-operator', role: 'operator', sha256: hashToken(reader), canModify: false },
    ],
  );
  const runner = createProjectionRunner({
    sql: gw.deps.sql,
    store: gw.store,
    projections: allProjections(),
    logger: pino({ level: 'silent' }),
  });
  const clock = new Map<string, number>();

  async function append(assetId: string, type: string, data: object, actor = 'service:test'): Promise<void> {
    const t = clock.get(assetId) ?? Date.now();
    clock.set(assetId, t + 1000);
    const event: NewEvent = {
      id: uuidv7(),
      type,
      data: { assetId, ...data },
      metadata: { correlationId: assetId, causationId: assetId, actor, occurredAt: new Date(t).toISOString() },
    };
    await gw.store.append(`asset-${assetId}`, [event], 'any');
  }

  async function seed(a: SeedAsset): Promise<string> {
    const id = uuidv7();
    clock.set(id, Date.parse(a.at));
    const staged = `/nodes/${a.network}/.mxhub/staging/${id}/${a.name}`;
    const targets = a.targets ?? [];
    await append(id, 'AssetDetected', { sourceNetwork: a.network, targets, originalName: a.name, sizeBytes: 11 });
    await append(id, 'AssetIngested', { stagedPath: staged, sizeBytes: 11, sha256: SHA });
    if (a.sidecar) await append(id, 'SidecarParsed', { sidecar: { destinations: [], extra: [], ...a.sidecar } });
    if (a.quarantined) {
      await append(id, 'AssetScreened', { stage: 'antivirus', passed: false, rule: 'antivirus.clamav', reason: 'x' });
      await append(id, 'AssetQuarantined', {
        stage: 'antivirus',
        rule: 'antivirus.clamav',
        reason: 'x',
        quarantinePath: staged,
      });
      return id;
    }
    await append(id, 'AssetScreened', {
      stage: 'analysis',
      passed: true,
      ...(a.technical ? { technical: a.technical } : {}),
    });
    await append(id, 'AssetCleared', { targets });
    await append(id, 'ReplicaStored', { network: a.network, path: staged, sha256: SHA, kind: 'origin', sizeBytes: 11 });
    for (const [network, kind] of a.copies ?? [])
      await append(id, 'ReplicaStored', { network, path: `/nodes/${network}/x/${a.name}`, sha256: SHA, kind });
    return id;
  }

  async function project(): Promise<void> {
    const [row] = await gw.deps.sql.query<{ p: string }>('select coalesce(max(position), 0)::text as p from mx_events');
    await settled(gw.store, BigInt(row!.p));
    await runner.catchUp();
  }

  return {
    gw,
    get catalog() {
      if (!catalog) throw new Error('the gateway has not registered the catalog routes');
      return catalog;
    },
    newsViewer: { authorization: `Bearer ${scoped}` },
    readerOperator: { authorization: `Bearer ${reader}` },
    seed,
    append,
    project,
    dispose: () => gw.dispose(),
  };
}
