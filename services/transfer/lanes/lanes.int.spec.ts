import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { createBullMqWorkQueue, redisOptions } from '../../../lib/work-queue/adapters/bullmq';
import { sleep, waitFor } from '../../../lib/work-queue/testing';
import { createLanes, type LaneName } from './lanes';
import { describeLanesContract, silent, type LaneJob, type LaneQueues } from './lanes.contract';

const REDIS_URL = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mxhub-test-${randomUUID().slice(0, 8)}`;

/** A fresh pair of adapters on the named queues: what one hub process would open. */
const open = (names: Record<LaneName, string>): LaneQueues => {
  const options = { connection: REDIS_URL, prefix, backoffMs: 50, maxBackoffMs: 200, lockDurationMs: 5000 };
  return {
    urgent: createBullMqWorkQueue<LaneJob>(names.urgent, options),
    normal: createBullMqWorkQueue<LaneJob>(names.normal, options),
  };
};

async function obliterate(names: string[]): Promise<void> {
  for (const name of names) {
    const queue = new Queue(name, { connection: redisOptions(REDIS_URL), prefix });
    await queue.obliterate({ force: true }).finally(() => queue.close());
  }
}

describeLanesContract('bullmq', open, obliterate);

describe('lanes on bullmq: two processes', () => {
  it('add their channels to the same queues and run every job exactly once', async () => {
    const names = { urgent: `lane-u-${randomUUID()}`, normal: `lane-n-${randomUUID()}` };
    const runs = new Map<string, string[]>();
    let running = 0;
    let peak = 0;
    const processes = ['a', 'b'].map((id) => {
      const queues = open(names);
      const lanes = createLanes<LaneJob>({
        queues,
        channels: { urgent: 1, normal: 2 },
        pollMs: 100,
        logger: silent,
        handler: async (job) => {
          runs.set(job.id, [...(runs.get(job.id) ?? []), id]);
          running += 1;
          peak = Math.max(peak, running);
          await sleep(50);
          running -= 1;
        },
      });
      return { id, queues, lanes };
    });
    try {
      for (const p of processes) p.lanes.start();
      for (let n = 0; n < 60; n += 1) {
        await processes[n % 2]!.lanes.add(
          { n },
          { jobId: `j${n}`, lane: n % 3 === 0 ? 'urgent' : 'normal', priority: 5 },
        );
      }
      await waitFor('every job', () => runs.size === 60, 30_000);
      await sleep(300);
      expect([...runs.values()].filter((by) => by.length !== 1)).toEqual([]);
      expect(new Set([...runs.values()].flat())).toEqual(new Set(['a', 'b']));
      // One process has 3 channels: more at once means both were working together.
      expect(peak).toBeGreaterThan(3);
    } finally {
      for (const p of processes) {
        await p.lanes.stop();
        await Promise.all([p.queues.urgent.close(), p.queues.normal.close()]);
      }
      await obliterate([names.urgent, names.normal]);
    }
  });
});
