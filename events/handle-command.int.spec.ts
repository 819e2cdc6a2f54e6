import { createTestSql, type TestSql } from '../test/support/pg';
import { uuidv7 } from '../lib/ids';
import { ConcurrencyError, NotFoundError, PreconditionFailedError, StateError } from '../lib/errors';
import { assetDecider, type ScreeningCommand } from '../domain/asset/decide';
import type { AssetEvent } from './catalog/asset-events';
import { createPGliteEventStore } from './store/adapters/pglite';
import type { EventStore } from './store/event-store';
import { handleCommand, loadState, type CommandContext } from './handle-command';
import { stamp } from './stamp';

const NOW = '2026-11-22T10:00:00.000Z';
const context: CommandContext = { actor: 'service:screening', now: NOW, newId: () => uuidv7() };
const whitelist: ScreeningCommand = { type: 'RecordVerdict', stage: 'whitelist', verdict: { passed: true } };

describe('handleCommand (PGlite event store)', () => {
  let t: TestSql;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestSql('pglite');
    store = createPGliteEventStore(t.sql);
  });
  afterAll(async () => {
    await store.close();
    await t.dispose();
  });

  /** An ingested asset's stream, opened as the connector opens it. */
  async function ingested(): Promise<string> {
    const assetId = uuidv7();
    const opening: AssetEvent[] = [
      {
        type: 'AssetDetected',
        data: { assetId, sourceNetwork: 'news', targets: ['broadcast'], originalName: 'clip.mxf', sizeBytes: 10 },
      },
      { type: 'AssetIngested', data: { assetId, stagedPath: '/s/clip.mxf', sizeBytes: 10, sha256: 'f'.repeat(64) } },
    ];
    const events = stamp(opening, {
      actor: 'connector:news',
      now: NOW,
      newId: () => uuidv7(),
      correlationId: `journey-${assetId}`,
      causationId: assetId,
    });
    await store.append(`asset-${assetId}`, events, 'no_stream');
    return assetId;
  }

  test('the state after the command is the state a read of the stream folds to', async () => {
    const assetId = await ingested();
    const first = await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context);
    if (first.conflict) throw first.error;
    const intrusion: ScreeningCommand = { type: 'RecordVerdict', stage: 'intrusion', verdict: { passed: true } };
    // The writer acts again on what it holds, with no read in between.
    const second = await handleCommand(store, `asset-${assetId}`, assetDecider, intrusion, context, {
      state: first.after,
    });
    if (second.conflict) throw second.error;
    expect(second.after).toEqual(await loadState(store, `asset-${assetId}`, assetDecider));
    expect(second.after.version).toBe(4);
  });

  test('reads, folds, decides and appends against the version it read, in the journey and caused by the last event', async () => {
    const assetId = await ingested();
    const [, ingest] = await store.readStream(`asset-${assetId}`);
    const result = await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context);
    expect(result.conflict).toBe(false);
    if (result.conflict) return;
    expect(result.nextVersion).toBe(3);
    expect(result.state.version).toBe(2);
    const [, , screened] = await store.readStream(`asset-${assetId}`);
    expect(screened).toMatchObject({
      id: result.events[0]!.id,
      type: 'AssetScreened',
      data: { assetId, stage: 'whitelist', passed: true },
      metadata: { correlationId: `journey-${assetId}`, causationId: ingest!.id, actor: 'service:screening' },
    });
  });

  test('a decision with several events chains their causation; the context may name journey and cause', async () => {
    const assetId = await ingested();
    for (const stage of ['whitelist', 'intrusion', 'antivirus'] as const) {
      await handleCommand(store, `asset-${assetId}`, assetDecider, { ...whitelist, stage }, context);
    }
    const result = await handleCommand(
      store,
      `asset-${assetId}`,
      assetDecider,
      { ...whitelist, stage: 'analysis' },
      {
        ...context,
        correlationId: 'request-1',
        causationId: 'command-1',
      },
    );
    if (result.conflict) throw result.error;
    expect(result.events.map((e) => [e.type, e.metadata.correlationId, e.metadata.causationId])).toEqual([
      ['AssetScreened', 'request-1', 'command-1'],
      ['AssetCleared', 'request-1', result.events[0]!.id],
      ['ReplicaStored', 'request-1', result.events[1]!.id],
    ]);
  });

  test('no events decided: nothing is appended and the version stays', async () => {
    const assetId = await ingested();
    const defer: ScreeningCommand = { type: 'DeferStage', stage: 'whitelist', reason: 'down', retryInMs: 10 };
    await handleCommand(store, `asset-${assetId}`, assetDecider, defer, context);
    const again = await handleCommand(store, `asset-${assetId}`, assetDecider, defer, context);
    expect(again).toMatchObject({ conflict: false, events: [], nextVersion: 3 });
    expect(await store.streamVersion(`asset-${assetId}`)).toBe(3);
  });

  test('a writer that appends between the read and the append is reported as a conflict, not thrown', async () => {
    const assetId = await ingested();
    const result = await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context, {
      beforeAppend: async () => {
        await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context);
      },
    });
    expect(result.conflict).toBe(true);
    if (!result.conflict) return;
    expect(result.error).toBeInstanceOf(ConcurrencyError);
    expect(result.error.status).toBe(409);
    expect(await store.streamVersion(`asset-${assetId}`)).toBe(3);
  });

  test('a state folded before (a process manager) is decided on as it is: a stream that moved on is a conflict', async () => {
    const assetId = await ingested();
    const before = await loadState(store, `asset-${assetId}`, assetDecider);
    await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context);
    const stale = await handleCommand(store, `asset-${assetId}`, assetDecider, whitelist, context, { state: before });
    expect(stale.conflict).toBe(true);
  });

  test('a stale expectedVersion throws PreconditionFailedError naming stream, expected and current version', async () => {
    const assetId = await ingested();
    const streamId = `asset-${assetId}`;
    const stale = handleCommand(store, streamId, assetDecider, whitelist, context, { expectedVersion: 1 });
    await expect(stale).rejects.toThrow(PreconditionFailedError);
    await expect(
      handleCommand(store, streamId, assetDecider, whitelist, context, { expectedVersion: 1 }),
    ).rejects.toMatchObject({
      code: 'MXHUB_ERR_PRECONDITION_FAILED',
      status: 412,
      message: expect.stringMatching(new RegExp(`stream ${streamId}: .*version 1, .* at version 2`)),
    });
    expect(await store.streamVersion(streamId)).toBe(2);
    const fresh = await handleCommand(store, streamId, assetDecider, whitelist, context, { expectedVersion: 2 });
    expect(fresh).toMatchObject({ conflict: false, nextVersion: 3 });
  });

  test('an expectedVersion that held at the read but lost the race at the append is a failed precondition too', async () => {
    const assetId = await ingested();
    const streamId = `asset-${assetId}`;
    const raced = handleCommand(store, streamId, assetDecider, whitelist, context, {
      expectedVersion: 2,
      beforeAppend: async () => {
        await handleCommand(store, streamId, assetDecider, whitelist, context);
      },
    });
    await expect(raced).rejects.toMatchObject({ code: 'MXHUB_ERR_PRECONDITION_FAILED', expected: 2, actual: 3 });
  });

  test('a refused command throws what decide throws; a command on a subject that must exist answers NotFound', async () => {
    const assetId = await ingested();
    const release: ScreeningCommand = { type: 'ReleaseAsset', mode: 'rescreen', reason: 'why not' };
    await expect(handleCommand(store, `asset-${assetId}`, assetDecider, release, context)).rejects.toThrow(StateError);
    const missing = uuidv7();
    await expect(
      handleCommand(store, `asset-${missing}`, assetDecider, release, context, { mustExist: `asset ${missing}` }),
    ).rejects.toThrow(new NotFoundError(`asset ${missing} does not exist`));
    expect(await store.streamVersion(`asset-${assetId}`)).toBe(2);
  });
});
