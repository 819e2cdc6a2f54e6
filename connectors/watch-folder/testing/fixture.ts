import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { StoredEvent } from '../../../events/envelope';
import { createPGliteEventStore } from '../../../events/store/adapters/pglite';
import type { EventStore } from '../../../events/store/event-store';
import { createTestSql, type TestSql } from '../../../test/support/pg';
import { createWatchFolderConnector, type WatchFolderConnector, type WatchFolderOptions } from '../connector';

/** A PGlite store shared by a spec file, and connectors on fresh temp roots that `dispose` stops. */
export async function createWatchFolderFixture() {
  const db: TestSql = await createTestSql('pglite');
  const store: EventStore = createPGliteEventStore(db.sql);
  const connectors: WatchFolderConnector[] = [];
  const roots: string[] = [];

  return {
    store,
    async newRoot(): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'mxhub-watch-'));
      roots.push(root);
      return root;
    },
    connector(options: Partial<WatchFolderOptions> & { root: string }): WatchFolderConnector {
      const connector = createWatchFolderConnector({
        network: { id: 'news', root: options.root },
        targets: ['broadcast'],
        store,
        logger: pino({ level: 'silent' }),
        stabilityMs: 300,
        sidecarWaitMs: 300,
        ...options,
      });
      connectors.push(connector);
      return connector;
    },
    /** Every asset stream whose AssetDetected names `originalName`, each as its events. */
    async assetsNamed(originalName: string): Promise<StoredEvent[][]> {
      const events = await store.readAll({ category: 'asset' });
      const ids = events
        .filter((e) => e.type === 'AssetDetected' && (e.data as { originalName: string }).originalName === originalName)
        .map((e) => e.streamId);
      return ids.map((id) => events.filter((e) => e.streamId === id));
    },
    /** Stops every connector started so far (before unmounting a root they watch). */
    async stopAll() {
      await Promise.all(connectors.map((c) => c.stop()));
    },
    async dispose() {
      await Promise.all(connectors.map((c) => c.stop()));
      await store.close();
      await db.dispose();
      await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
    },
  };
}

export type WatchFolderFixture = Awaited<ReturnType<typeof createWatchFolderFixture>>;

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
