import pino from 'pino';
import type { NewEvent } from '../../../events/envelope';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../../../events/projections';
import { uuidv7 } from '../../../lib/ids';
import { settled } from '../../../test/support/settle';
import type { GatewayRoutes } from '../../gateway/deps';
import { startTestGateway, type TestGateway } from '../../gateway/testing/gateway-fixture';
import { createAssetQueries } from '../read-model/queries';
import { createScreeningRoutes } from '.';

const SHA = 'd'.repeat(64);

describe.each(['postgres', 'pglite'] as const)(
  'an asset says where it went: state, transfers and timeline (issue 11 item 9), on %s',
  (kind) => {
    let gw: TestGateway;
    let runner: ProjectionRunner;
    let second = 0;

    const event = (type: string, data: object): NewEvent => ({
      id: uuidv7(),
      type,
      data,
      metadata: {
        correlationId: 'journey',
        causationId: 'journey',
        actor: 'test',
        occurredAt: new Date(Date.UTC(2026, 11, 1, 10, 0, second++)).toISOString(),
      },
    });
    const append = (stream: string, type: string, data: object) => gw.store.append(stream, [event(type, data)], 'any');

    async function project(): Promise<void> {
      const [row] = await gw.deps.sql.query<{ p: string }>(
        'select coalesce(max(position), 0)::text as p from mx_events',
      );
      await settled(gw.store, BigInt(row!.p));
      await runner.catchUp();
    }

    /** A cleared asset for `targets`, and one transfer per target (ids returned in target order). */
    async function clearedWithTransfers(targets: string[]): Promise<{ assetId: string; transfers: string[] }> {
      const assetId = uuidv7();
      const stream = `asset-${assetId}`;
      await append(stream, 'AssetDetected', {
        assetId,
        sourceNetwork: 'news',
        targets,
        originalName: 'a.mxf',
        sizeBytes: 5,
      });
      await append(stream, 'AssetCleared', { assetId, targets });
      const transfers: string[] = [];
      for (const target of targets) {
        const transferId = uuidv7();
        transfers.push(transferId);
        await append(`transfer-${transferId}`, 'TransferRequested', {
          transferId,
          assetId,
          sourceNetwork: 'news',
          targetNetwork: target,
          lane: 'normal',
          priority: 5,
          sizeBytes: 5,
          sha256: SHA,
        });
      }
      return { assetId, transfers };
    }

    const completed = (transferId: string, path: string) =>
      append(`transfer-${transferId}`, 'TransferCompleted', {
        transferId,
        path,
        sha256: SHA,
        bytes: 5,
        durationMs: 10,
      });
    const failed = (transferId: string, retryable: boolean) =>
      append(`transfer-${transferId}`, 'TransferFailed', {
        transferId,
        reason: 'disk full',
        retryable,
        step: 'reserve',
      });
    const asset = async (assetId: string) =>
      (await gw.request({ url: `/v1/assets/${assetId}`, headers: gw.as('viewer') })).json();

    beforeAll(async () => {
      const routes: GatewayRoutes = async (app, opts) => {
        const commands = { release: jest.fn(), remove: jest.fn() };
        await createScreeningRoutes({ queries: createAssetQueries(opts.deps.sql), commands })(app, opts);
      };
      gw = await startTestGateway(kind, { routes: [routes] });
      runner = createProjectionRunner({
        sql: gw.deps.sql,
        store: gw.store,
        projections: allProjections(),
        logger: pino({ level: 'silent' }),
      });
    });
    afterAll(() => gw.dispose());

    test('cleared while a target waits, then delivered, with each transfer and the path it delivered to', async () => {
      const { assetId, transfers } = await clearedWithTransfers(['broadcast', 'archive']);
      await completed(transfers[0]!, 'broadcast/inbox/a.mxf');
      await failed(transfers[1]!, true);
      await project();
      expect(await asset(assetId)).toMatchObject({
        state: 'cleared',
        transfers: [
          { transferId: transfers[0], targetNetwork: 'broadcast', state: 'succeeded', path: 'broadcast/inbox/a.mxf' },
          { transferId: transfers[1], targetNetwork: 'archive', state: 'queued', path: null },
        ],
      });
      await completed(transfers[1]!, 'archive/inbox/a.mxf');
      await project();
      expect((await asset(assetId)).state).toBe('delivered');
    });

    test('partially delivered when the other target failed for good or was cancelled; delivery failed when none got it', async () => {
      const partial = await clearedWithTransfers(['broadcast', 'archive']);
      await completed(partial.transfers[0]!, 'broadcast/inbox/a.mxf');
      await append(`transfer-${partial.transfers[1]}`, 'TransferCancelled', { transferId: partial.transfers[1] });
      const none = await clearedWithTransfers(['broadcast']);
      await failed(none.transfers[0]!, false);
      await project();
      expect((await asset(partial.assetId)).state).toBe('partially-delivered');
      expect((await asset(none.assetId)).state).toBe('delivery-failed');

      // A retried transfer is pending again: the asset is back to cleared until it ends.
      await append(`transfer-${none.transfers[0]}`, 'TransferRetried', { transferId: none.transfers[0] });
      await project();
      expect((await asset(none.assetId)).state).toBe('cleared');
    });

    test('a target whose policy refused the asset is shown, not waited for, and the asset is not in quarantine', async () => {
      const assetId = uuidv7();
      const stream = `asset-${assetId}`;
      const pcmOnly = { rule: 'policy.audioCodec', reason: "target 'broadcast': audioCodec is aac; accepted: pcm" };
      await append(stream, 'AssetDetected', {
        assetId,
        sourceNetwork: 'news',
        targets: ['broadcast', 'archive', 'playout'],
        originalName: 'report.mp4',
        sizeBytes: 5,
      });
      await append(stream, 'AssetScreened', {
        assetId,
        stage: 'analysis',
        passed: true,
        targetOutcomes: {
          broadcast: { outcome: 'refused', ...pcmOnly },
          archive: { outcome: 'accepted' },
          playout: { outcome: 'transcode', profile: 'xdcam-hd422-mxf', ...pcmOnly },
        },
      });
      await append(stream, 'AssetRefused', { assetId, target: 'broadcast', ...pcmOnly });
      await append(stream, 'AssetCleared', { assetId, targets: ['archive', 'playout'] });
      const transfers: string[] = [];
      for (const target of ['archive', 'playout']) {
        const transferId = uuidv7();
        transfers.push(transferId);
        await append(`transfer-${transferId}`, 'TransferRequested', {
          transferId,
          assetId,
          sourceNetwork: 'news',
          targetNetwork: target,
          lane: 'normal',
          priority: 5,
          sizeBytes: 5,
          sha256: SHA,
        });
        await completed(transferId, `${target}/inbox/report.mp4`);
      }
      await project();
      expect(await asset(assetId)).toMatchObject({
        state: 'delivered',
        targets: ['broadcast', 'archive', 'playout'],
        quarantine: null,
        refused: [{ target: 'broadcast', ...pcmOnly, at: expect.any(String) }],
        renditions: [{ target: 'playout', profile: 'xdcam-hd422-mxf' }],
      });
      const quarantine = await gw.request({ url: '/v1/quarantine?limit=100', headers: gw.as('viewer') });
      expect(quarantine.json().items.map((a: { assetId: string }) => a.assetId)).not.toContain(assetId);
    });

    test('an asset every target refused stays cleared on its origin, like a pool asset', async () => {
      const assetId = uuidv7();
      const stream = `asset-${assetId}`;
      const pcmOnly = { rule: 'policy.audioCodec', reason: "target 'broadcast': audioCodec is aac; accepted: pcm" };
      await append(stream, 'AssetDetected', {
        assetId,
        sourceNetwork: 'news',
        targets: ['broadcast'],
        originalName: 'report.mp4',
        sizeBytes: 5,
      });
      await append(stream, 'AssetRefused', { assetId, target: 'broadcast', ...pcmOnly });
      await append(stream, 'AssetCleared', { assetId, targets: [] });
      await project();
      expect(await asset(assetId)).toMatchObject({
        state: 'cleared',
        refused: [{ target: 'broadcast' }],
        renditions: [],
      });
    });

    test('the timeline lists the events of the asset and of its transfers in log order, paged {items, next}', async () => {
      const { assetId, transfers } = await clearedWithTransfers(['broadcast']);
      await completed(transfers[0]!, 'broadcast/inbox/a.mxf');
      await project();
      const url = `/v1/assets/${assetId}/timeline`;
      const first = (await gw.request({ url: `${url}?limit=2`, headers: gw.as('viewer') })).json();
      expect(first.items.map((e: { type: string }) => e.type)).toEqual(['AssetDetected', 'AssetCleared']);
      expect(first.next).toEqual(expect.any(String));
      const rest = (await gw.request({ url: `${url}?cursor=${first.next}`, headers: gw.as('viewer') })).json();
      expect(rest).toMatchObject({
        items: [
          { type: 'TransferRequested', streamId: `transfer-${transfers[0]}`, version: 1 },
          { type: 'TransferCompleted', streamId: `transfer-${transfers[0]}`, version: 2 },
        ],
        next: null,
      });
      const positions = [...first.items, ...rest.items].map((e: { position: string }) => BigInt(e.position));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));

      const unknown = await gw.request({ url: `/v1/assets/${uuidv7()}/timeline`, headers: gw.as('viewer') });
      expect(unknown.statusCode).toBe(404);
      const forged = await gw.request({ url: `${url}?cursor=bm9wZQ`, headers: gw.as('viewer') });
      expect(forged.statusCode).toBe(400);
    });
  },
);
