import pino from 'pino';
import type { Backbone } from '../../events/backbone/backbone';
import type { EventStore } from '../../events/store/event-store';
import type { Sql } from '../../lib/db/sql';
import type { WorkQueue } from '../../lib/work-queue/work-queue';
import type { MediaJob } from './process-manager';
import { createMediaService } from './service';

describe('media service', () => {
  function service(concurrency: number | undefined) {
    const calls: string[] = [];
    const record = (what: string) => () => {
      calls.push(what);
      return Promise.resolve({ stop: async () => undefined });
    };
    const media = createMediaService(
      {
        store: {} as EventStore,
        sql: { query: async () => (calls.push('sql'), []) } as unknown as Sql,
        backbone: { consume: record('consume') } as unknown as Backbone,
        queue: { process: record('process') } as unknown as WorkQueue<MediaJob>,
        catchUp: async () => void calls.push('catchUp'),
        logger: pino({ level: 'silent' }),
      },
      { centerRoot: '/nonexistent', concurrency },
    );
    return { media, calls };
  }

  it('with concurrency 0 takes no media work: no consumer, no queue worker, no sweep', async () => {
    const { media, calls } = service(0);
    await media.start();
    await media.stop();
    expect(calls).toEqual([]);
  });

  it('otherwise works the queue, follows the backbone and sweeps what is owed', async () => {
    const { media, calls } = service(undefined);
    await media.start();
    await media.stop();
    expect(calls).toEqual(['process', 'consume', 'catchUp', 'sql']);
  });
});
