import type { Pool } from 'pg';
import type { EventStore } from '../../events/store/event-store';
import { runConcurrently, type Side } from './measure';
import { createRawWriter, readAllRaw } from './raw-baseline';
import { newEvent, newStreamId } from './workload';

export const BATCH = 100;
export const PAGE = 1000;

/** Both contenders of the append phases, over the same payloads. */
export interface Contenders {
  store: EventStore;
  pool: Pool;
}

/** Single-event appends, each to a new stream, by `concurrency` workers; vs one-row autocommit INSERTs. */
export function singleEventSides({ store, pool }: Contenders, concurrency: number): Side[] {
  const raw = createRawWriter(pool);
  return [
    {
      name: 'store',
      run: async (events, tick) => {
        await runConcurrently(events, concurrency, async () => {
          await store.append(newStreamId(), [newEvent()], 'no_stream');
          tick(1);
        });
        return events;
      },
    },
    {
      name: 'raw',
      run: async (events, tick) => {
        await runConcurrently(events, concurrency, async () => {
          await raw.insertOne(newEvent(), newStreamId());
          tick(1);
        });
        return events;
      },
    },
  ];
}

/** Appends of 100 events to a new stream each, one at a time; vs one 100-row INSERT per statement. */
export function batchSides({ store, pool }: Contenders): Side[] {
  const raw = createRawWriter(pool);
  const batch = () => Array.from({ length: BATCH }, newEvent);
  const side = (name: string, write: () => Promise<void>): Side => ({
    name,
    run: async (events, tick) => {
      const units = Math.max(1, Math.round(events / BATCH));
      await runConcurrently(units, 1, async () => {
        await write();
        tick(BATCH);
      });
      return units * BATCH;
    },
  });
  return [
    side('store', async () => void (await store.append(newStreamId(), batch(), 'no_stream'))),
    side('raw', () => raw.insertMany(batch(), newStreamId())),
  ];
}

/**
 * The log from its start in pages of 1000, until `events` are read or the log ends: store.readAll
 * (mx_safe_bound, rows to events, upcasting) vs keyset SELECT *.
 */
export function readAllSides({ store, pool }: Contenders): Side[] {
  return [
    {
      name: 'store',
      run: async (events, tick) => {
        let after = 0n;
        let total = 0;
        while (total < events) {
          const page = await store.readAll({ after, limit: Math.min(PAGE, events - total) });
          if (page.length === 0) return total;
          total += page.length;
          after = page[page.length - 1]!.position;
          tick(page.length);
        }
        return total;
      },
    },
    { name: 'raw', run: (events, tick) => readAllRaw(pool, PAGE, events, tick) },
  ];
}
