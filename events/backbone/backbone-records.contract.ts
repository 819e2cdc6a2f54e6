import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../envelope';
import type { Backbone } from './backbone';

/** What a test reads back from an adapter's record topic, oldest first. */
export type ReadRecords = (category: string) => Promise<Array<{ key: string; value: string }>>;

export interface RecordsFixture {
  backbone: Backbone;
  read: ReadRecords;
  /** A category no other test file uses (a Kafka topic is shared by the broker). */
  category: string;
  dispose(): Promise<void>;
}

function event(streamId: string): StoredEvent {
  return {
    id: randomUUID(),
    streamId,
    version: 1,
    position: 1n,
    type: 'AssetDetected',
    schemaVersion: 1,
    data: {},
    metadata: { correlationId: 'c', causationId: 'c', actor: 'user:test', occurredAt: '2026-11-22T10:00:00.000Z' },
    prevHash: '',
    hash: '',
    recordedAt: '2026-11-22T10:00:00.000Z',
  };
}

/**
 * `publishRecord` as the Backbone port states it (records that are not
 * events, such as signed checkpoints): acknowledged records can be read back
 * from their category in order, and event consumers never see them. Runs
 * against the in-process adapter (unit tier) and Kafka (integration tier).
 */
export function describeBackboneRecordsContract(label: string, open: () => Promise<RecordsFixture>): void {
  describe(`Backbone records contract: ${label}`, () => {
    let f: RecordsFixture;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.dispose());

    it('keeps the records of one key in the order published, value for value', async () => {
      const values = ['{"seq":"1"}', '{"seq":"2"}', '{"seq":"3"}'];
      for (const v of values) await f.backbone.publishRecord(f.category, 'log', v);
      expect(await f.read(f.category)).toEqual(values.map((value) => ({ key: 'log', value })));
    });

    it('hands records to no event consumer', async () => {
      const seen: string[] = [];
      const stream = `asset-${randomUUID()}`;
      const consumer = await f.backbone.consume(
        { groupId: `records-${randomUUID()}`, categories: ['asset', f.category], fromBeginning: true },
        async (e) => void seen.push(e.streamId),
      );
      try {
        await f.backbone.publishRecord(f.category, 'log', '{"seq":"4"}');
        await f.backbone.publish([event(stream)]);
        for (let i = 0; i < 600 && !seen.includes(stream); i++) await new Promise((r) => setTimeout(r, 50));
        expect(seen.filter((s) => !s.startsWith('asset-'))).toEqual([]);
        expect(seen).toContain(stream);
      } finally {
        await consumer.stop();
      }
    });
  });
}
