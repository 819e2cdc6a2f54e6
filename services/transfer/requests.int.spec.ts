import pino from 'pino';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { handleCommand } from '../../events/handle-command';
import { assetDecider } from '../../domain/asset/decide';
import type { TargetOutcome } from '../../events/catalog/asset-events';
import { createTransferRequester } from './requests';

const logger = pino({ level: 'silent' });

describe('transfer requests of a cleared asset', () => {
  let db: TestSql;
  let store: EventStore;
  beforeAll(async () => {
    db = await createTestSql('pglite');
    store = createPGliteEventStore(db.sql);
  });
  afterAll(() => db.dispose());

  /** An asset for broadcast and archive, screened clean, with an optional sidecar priority and policy outcomes. */
  async function cleared(sidecarPriority?: number, targetOutcomes?: Record<string, TargetOutcome>): Promise<string> {
    const assetId = uuidv7();
    const m = {
      correlationId: assetId,
      causationId: assetId,
      actor: 'connector:news',
      occurredAt: new Date().toISOString(),
    };
    const data = {
      assetId,
      sourceNetwork: 'news',
      targets: ['broadcast', 'archive'],
      originalName: 'a.mxf',
      sizeBytes: 3,
    };
    await store.append(
      `asset-${assetId}`,
      [
        { id: uuidv7(), type: 'AssetDetected', data, metadata: m },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { assetId, stagedPath: '/staged/a.mxf', sizeBytes: 3, sha256: 'c'.repeat(64) },
          metadata: m,
        },
        ...(sidecarPriority === undefined
          ? []
          : [
              {
                id: uuidv7(),
                type: 'SidecarParsed',
                data: {
                  assetId,
                  sidecar: { title: 'Breaking', priority: sidecarPriority, destinations: [], extra: [] },
                },
                metadata: m,
              },
            ]),
      ],
      'no_stream',
    );
    const stages = ['whitelist', 'intrusion', 'antivirus', 'analysis', ...(sidecarPriority ? ['sidecar'] : [])];
    for (const stage of stages) {
      await handleCommand(
        store,
        `asset-${assetId}`,
        assetDecider,
        {
          type: 'RecordVerdict',
          stage: stage as 'whitelist',
          verdict: { passed: true, ...(stage === 'analysis' && targetOutcomes ? { targetOutcomes } : {}) },
        },
        { actor: 'service:screening', now: new Date().toISOString(), newId: () => uuidv7() },
      );
    }
    return assetId;
  }

  const requestedOf = async (assetId: string) =>
    (await store.readAll({ types: ['TransferRequested'] }))
      .filter((e) => (e.data as { assetId: string }).assetId === assetId)
      .map((e) => e.data);

  it('asks nothing for a target whose policy refused the asset, and a rendition for one whose policy names a profile', async () => {
    const why = { rule: 'policy.audioCodec', reason: "target 'broadcast': audioCodec is aac; accepted: pcm" };
    const requester = createTransferRequester({ store, logger });
    const refused = await cleared(undefined, {
      broadcast: { outcome: 'refused', ...why },
      archive: { outcome: 'accepted' },
    });
    expect(await requester.request(refused)).toBe(1);
    expect((await requestedOf(refused)).map((d) => (d as { targetNetwork: string }).targetNetwork)).toEqual([
      'archive',
    ]);
    const rendered = await cleared(undefined, {
      broadcast: { outcome: 'transcode', profile: 'xdcam-hd422-mxf', ...why },
      archive: { outcome: 'accepted' },
    });
    expect(await requester.request(rendered)).toBe(2);
    const [toBroadcast, toArchive] = await requestedOf(rendered);
    expect(toBroadcast).toMatchObject({ targetNetwork: 'broadcast', rendition: { profile: 'xdcam-hd422-mxf' } });
    expect(toArchive).not.toHaveProperty('rendition');
  });

  it('asks once per target, however often it is asked', async () => {
    const assetId = await cleared();
    const requester = createTransferRequester({ store, logger });
    expect(await requester.request(assetId)).toBe(2);
    expect(await requester.request(assetId)).toBe(0);
    expect(await requestedOf(assetId)).toEqual([
      expect.objectContaining({ targetNetwork: 'broadcast', lane: 'normal', priority: 5, sha256: 'c'.repeat(64) }),
      expect.objectContaining({ targetNetwork: 'archive' }),
    ]);
  });

  it('a sidecar priority of 1 (the one scale: highest) makes the transfer urgent, priority 1', async () => {
    const assetId = await cleared(1);
    await createTransferRequester({ store, logger }).request(assetId);
    expect((await requestedOf(assetId))[0]).toMatchObject({ lane: 'urgent', priority: 1 });
  });

  it("a fetch is one transfer from the store's chosen replica into the network's cache/, however often it is handled", async () => {
    const assetId = await cleared();
    const transferId = uuidv7();
    const data = {
      assetId,
      network: 'weather',
      transferId,
      sourceNetwork: 'archive',
      sourcePath: '/nodes/archive/inbox/a.mxf',
      lane: 'urgent' as const,
    };
    const metadata = {
      correlationId: 'fetch',
      causationId: 'fetch',
      actor: 'user:op',
      occurredAt: new Date().toISOString(),
    };
    await store.append(`asset-${assetId}`, [{ id: uuidv7(), type: 'FetchRequested', data, metadata }], 'any');
    const [fetched] = (await store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'FetchRequested');
    const requester = createTransferRequester({ store, logger });
    await requester.handle(fetched!);
    await requester.handle(fetched!);
    const requested = (await requestedOf(assetId)).filter(
      (d) => (d as { transferId: string }).transferId === transferId,
    );
    expect(requested).toEqual([
      expect.objectContaining({
        sourceNetwork: 'archive',
        targetNetwork: 'weather',
        sourcePath: '/nodes/archive/inbox/a.mxf',
        folder: 'cache',
        lane: 'urgent',
      }),
    ]);
  });

  it('a fetch and a repair a crash cut off before their transfer are asked again at start, once', async () => {
    const assetId = await cleared();
    const metadata = {
      correlationId: 'lost',
      causationId: 'lost',
      actor: 'service:store',
      occurredAt: new Date().toISOString(),
    };
    const source = { sourceNetwork: 'archive', sourcePath: '/nodes/archive/inbox/a.mxf' };
    const fetchId = uuidv7();
    const repairId = uuidv7();
    await store.append(`asset-${assetId}`, [
      {
        id: uuidv7(),
        type: 'FetchRequested',
        data: { assetId, network: 'weather', transferId: fetchId, ...source },
        metadata,
      },
      {
        id: uuidv7(),
        type: 'RepairRequested',
        data: { assetId, network: 'broadcast', path: '/nodes/broadcast/inbox/a.mxf', transferId: repairId, ...source },
        metadata,
      },
    ]);
    const requester = createTransferRequester({ store, logger });
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(await requester.requestLost(since)).toBe(2);
    expect(await requester.requestLost(since)).toBe(0);
    const requested = (await requestedOf(assetId)).filter((d) =>
      [fetchId, repairId].includes((d as { transferId: string }).transferId),
    );
    expect(requested).toEqual([
      expect.objectContaining({ transferId: fetchId, targetNetwork: 'weather', folder: 'cache' }),
      expect.objectContaining({
        transferId: repairId,
        targetNetwork: 'broadcast',
        lane: 'urgent',
        reason: 'repair',
        restorePath: '/nodes/broadcast/inbox/a.mxf',
      }),
    ]);
  });
});
