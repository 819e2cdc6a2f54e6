import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { gate, sleep, waitFor } from '../../../lib/work-queue/testing';
import { RetryLaterError, type WorkQueue } from '../../../lib/work-queue/work-queue';
import { createLanes, type LaneName, type LanesOptions } from './lanes';

export interface LaneJob {
  n: number;
}

export type LaneQueues = Record<LaneName, WorkQueue<LaneJob>>;

/** Opens the two lane queues under the given names (the same names give the same shared queues). */
export type MakeLaneQueues = (names: Record<LaneName, string>) => LaneQueues | Promise<LaneQueues>;

export const silent = pino({ level: 'silent' });

/**
 * The lane policy against a queue adapter (the "Priority" test):
 * handlers that wait on gates keep channels busy so the test decides who is
 * free. Each test gets fresh queue names.
 */
export function describeLanesContract(
  label: string,
  makeQueues: MakeLaneQueues,
  cleanup?: (names: string[]) => Promise<void>,
) {
  describe(`lanes: ${label}`, () => {
    const teardown: (() => Promise<void>)[] = [];

    afterEach(async () => {
      for (const step of teardown.splice(0).reverse()) await step();
    });

    async function lanes(channels: Record<LaneName, number>, handler: LanesOptions<LaneJob>['handler']) {
      const names = { urgent: `lane-u-${randomUUID()}`, normal: `lane-n-${randomUUID()}` };
      const queues = await makeQueues(names);
      const lanes = createLanes<LaneJob>({ queues, channels, handler, pollMs: 100, logger: silent });
      teardown.push(async () => {
        await Promise.all([queues.urgent.close(), queues.normal.close()]);
        await cleanup?.([names.urgent, names.normal]);
      });
      teardown.push(() => lanes.stop());
      lanes.start();
      return lanes;
    }

    it('starts an urgent job at once on an urgent channel while every normal channel is busy and 500 wait', async () => {
      const release = gate();
      const started = new Map<string, { lane: LaneName; at: number }>();
      const l = await lanes({ urgent: 2, normal: 3 }, async (job, channel) => {
        started.set(job.id, { lane: channel.lane, at: Date.now() });
        if (job.id.startsWith('n')) await release.opened;
      });
      for (let n = 0; n < 500; n += 1) await l.add({ n }, { jobId: `n${n}`, lane: 'normal', priority: 5 });
      await waitFor('every normal channel busy', () => l.status().normal.busy === 3);
      const at = Date.now();
      await l.add({ n: 0 }, { jobId: 'u1', lane: 'urgent', priority: 5 });
      await waitFor('the urgent job', () => started.has('u1'), 5000);
      expect(started.get('u1')!.lane).toBe('urgent');
      expect(started.get('u1')!.at - at).toBeLessThan(1000);
      release.open();
    });

    it('lets urgent jobs borrow idle normal channels, and never runs normal jobs on urgent channels', async () => {
      const release = gate();
      const ran: [string, LaneName][] = [];
      const l = await lanes({ urgent: 1, normal: 3 }, async (job, channel) => {
        ran.push([job.id, channel.lane]);
        if (job.id.startsWith('u')) await release.opened;
        else await sleep(20);
      });
      for (let n = 0; n < 4; n += 1) await l.add({ n }, { jobId: `u${n}`, lane: 'urgent', priority: 5 });
      await waitFor('four urgent jobs at once', () => ran.length === 4);
      expect(l.status()).toEqual({ urgent: { channels: 1, busy: 1 }, normal: { channels: 3, busy: 3 } });
      expect(ran.filter(([, lane]) => lane === 'normal')).toHaveLength(3);
      release.open();
      for (let n = 0; n < 20; n += 1) await l.add({ n }, { jobId: `n${n}`, lane: 'normal', priority: 5 });
      await waitFor('every normal job', () => ran.length === 24);
      expect(ran.filter(([id, lane]) => id.startsWith('n') && lane === 'urgent')).toEqual([]);
    });

    it('runs a queued job earlier after a better priority or a move to the urgent lane', async () => {
      const release = gate();
      const order: string[] = [];
      const l = await lanes({ urgent: 0, normal: 1 }, async (job) => {
        order.push(job.id);
        if (job.id === 'block') await release.opened;
      });
      await l.add({ n: 0 }, { jobId: 'block', lane: 'normal', priority: 5 });
      await waitFor('the blocking job', () => order.length === 1);
      for (let n = 1; n <= 5; n += 1) await l.add({ n }, { jobId: `n${n}`, lane: 'normal', priority: 5 });
      expect(await l.move('n4', { lane: 'normal', priority: 1 })).toBe(true);
      expect(await l.move('n5', { lane: 'urgent', priority: 5 })).toBe(true);
      expect(await l.move('block', { lane: 'urgent', priority: 1 })).toBe(false);
      expect(await l.move('unknown', { lane: 'normal', priority: 1 })).toBe(false);
      expect(await l.remove('n2')).toBe(true);
      release.open();
      await waitFor('every job', () => order.length === 5);
      expect(order).toEqual(['block', 'n5', 'n4', 'n1', 'n3']);
    });

    it('grows and shrinks the channels of a lane at run time', async () => {
      const gates = new Map<string, ReturnType<typeof gate>>();
      let running = 0;
      let peakAfterShrink = 0;
      let shrunk = false;
      let done = 0;
      const l = await lanes({ urgent: 0, normal: 1 }, async (job) => {
        const counted = shrunk;
        running += counted ? 1 : 0;
        peakAfterShrink = Math.max(peakAfterShrink, running);
        await gates.get(job.id)!.opened;
        running -= counted ? 1 : 0;
        done += 1;
      });
      for (let n = 0; n < 8; n += 1) {
        gates.set(`g${n}`, gate());
        await l.add({ n }, { jobId: `g${n}`, lane: 'normal', priority: 5 });
      }
      await waitFor('one busy channel', () => l.status().normal.busy === 1);
      l.setChannels('normal', 3);
      await waitFor('three busy channels', () => l.status().normal.busy === 3);
      l.setChannels('normal', 1);
      shrunk = true;
      expect(l.status().normal.channels).toBe(1);
      for (const g of gates.values()) g.open();
      await waitFor('every job', () => done === 8);
      expect(peakAfterShrink).toBe(1);
    });

    it('retries after RetryLaterError and after an error, and stop waits for the running job', async () => {
      const runs: number[] = [];
      const release = gate();
      let finished = false;
      const l = await lanes({ urgent: 1, normal: 1 }, async (job) => {
        if (job.id === 'slow') {
          await release.opened;
          finished = true;
          return;
        }
        runs.push(job.attempt);
        if (runs.length === 1) throw new RetryLaterError('target paused', 50);
        if (runs.length === 2) throw new Error('flaky');
      });
      await l.add({ n: 0 }, { jobId: 'flaky', lane: 'urgent', priority: 1 });
      await waitFor('three runs', () => runs.length === 3);
      expect(runs).toEqual([1, 1, 2]);
      await l.add({ n: 0 }, { jobId: 'slow', lane: 'normal', priority: 1 });
      await waitFor('the slow job', () => l.status().normal.busy + l.status().urgent.busy === 1);
      let stopped = false;
      const stopping = l.stop().then(() => (stopped = true));
      await sleep(200);
      expect(stopped).toBe(false);
      release.open();
      await stopping;
      expect(finished).toBe(true);
    });
  });
}
