import { randomUUID } from 'node:crypto';
import { gate, sleep, waitFor } from './testing';
import { RetryLaterError, type Job, type WorkQueue, type WorkQueueOptions } from './work-queue';

export interface ContractJob {
  n: number;
}

type MakeQueue = (name: string, options: WorkQueueOptions) => WorkQueue<ContractJob> | Promise<WorkQueue<ContractJob>>;

const drained = (queue: WorkQueue<ContractJob>) => async () => {
  const c = await queue.counts();
  return c.waiting + c.active + c.delayed === 0;
};

/**
 * What every WorkQueue adapter must do (the port's TSDoc, made executable):
 * run in the in-process unit tier and against Redis in the integration tier.
 * Timings are short (backoff 50 ms) and bounds are lower bounds only, so a
 * slow machine makes tests slower, not flaky.
 */
export function describeWorkQueueContract(
  label: string,
  makeQueue: MakeQueue,
  cleanup?: (name: string) => Promise<void>,
): void {
  describe(`WorkQueue contract: ${label}`, () => {
    const opened: { name: string; queue: WorkQueue<ContractJob> }[] = [];

    async function open(options: WorkQueueOptions = {}): Promise<WorkQueue<ContractJob>> {
      const name = `wq-${randomUUID()}`;
      const queue = await makeQueue(name, { backoffMs: 50, maxBackoffMs: 200, ...options });
      opened.push({ name, queue });
      return queue;
    }

    afterEach(async () => {
      for (const { name, queue } of opened.splice(0)) {
        await queue.close();
        await cleanup?.(name);
      }
    });

    it('runs each job once, with its data, on its first attempt', async () => {
      const queue = await open();
      const runs: Job<ContractJob>[] = [];
      // Ids an adapter might confuse with its own keys or generated ids.
      const ids = ['job-0', '1', 'wait', 'meta', 'id'];
      for (let n = 0; n < 5; n += 1) await queue.add({ n }, { jobId: ids[n]! });
      queue.process(
        async (job) => {
          await job.progress(50);
          runs.push(job);
        },
        { concurrency: 2 },
      );
      await waitFor('5 runs', () => runs.length === 5);
      await waitFor('an empty queue', drained(queue));
      expect(runs.map((j) => [j.id, j.data.n, j.attempt]).sort()).toEqual(
        [0, 1, 2, 3, 4].map((n) => [ids[n], n, 1]).sort(),
      );
    });

    it('ignores a second add of a job id that is waiting, active or delayed', async () => {
      const queue = await open();
      const runs: string[] = [];
      const release = gate();
      const retried = new Set<string>();
      await queue.add({ n: 1 }, { jobId: 'waiting' });
      await queue.add({ n: 2 }, { jobId: 'waiting' });
      queue.process(
        async (job) => {
          runs.push(`${job.id}:${job.data.n}`);
          if (job.id === 'active') await release.opened;
          if (job.id === 'delayed' && !retried.has(job.id)) {
            retried.add(job.id);
            throw new RetryLaterError('engine down', 300);
          }
        },
        { concurrency: 2 },
      );
      await waitFor('the waiting job', () => runs.includes('waiting:1'));

      await queue.add({ n: 3 }, { jobId: 'active' });
      await waitFor('the active job', () => runs.includes('active:3'));
      await queue.add({ n: 4 }, { jobId: 'active' });
      release.open();

      await queue.add({ n: 5 }, { jobId: 'delayed' });
      await waitFor('the delayed job', async () => (await queue.counts()).delayed === 1);
      await queue.add({ n: 6 }, { jobId: 'delayed' });

      await waitFor('an empty queue', drained(queue));
      await sleep(100);
      expect(runs.sort()).toEqual(['active:3', 'delayed:5', 'delayed:5', 'waiting:1']);
    });

    it('takes a job id again once the job has completed or failed for good', async () => {
      const queue = await open({ attempts: 1 });
      const runs: number[] = [];
      queue.process(
        async (job) => {
          runs.push(job.data.n);
          if (job.data.n === 2) throw new Error('broken');
        },
        { concurrency: 1 },
      );
      await queue.add({ n: 1 }, { jobId: 'again' });
      await waitFor('the first run', () => runs.length === 1);
      await waitFor('an empty queue', drained(queue));
      await queue.add({ n: 2 }, { jobId: 'again' });
      await waitFor('the second run', () => runs.length === 2);
      await waitFor('an empty queue', drained(queue));
      await queue.add({ n: 3 }, { jobId: 'again' });
      await waitFor('the third run', () => runs.length === 3);
      expect(runs).toEqual([1, 2, 3]);
    });

    it('runs lower priority numbers first, then oldest first', async () => {
      const queue = await open();
      const order: string[] = [];
      const jobs: [string, number | undefined][] = [
        ['a', undefined],
        ['b', 5],
        ['c', 100],
        ['d', 1],
        ['e', 5],
        ['f', 1000],
        ['g', 99],
      ];
      for (const [jobId, priority] of jobs) {
        await queue.add({ n: 0 }, priority === undefined ? { jobId } : { jobId, priority });
      }
      queue.process(async (job) => void order.push(job.id), { concurrency: 1 });
      await waitFor('every job', () => order.length === jobs.length);
      expect(order).toEqual(['d', 'b', 'e', 'g', 'a', 'c', 'f']);
    });

    it('runs up to `concurrency` jobs at once and never more', async () => {
      const queue = await open();
      let running = 0;
      let peak = 0;
      let done = 0;
      for (let n = 0; n < 8; n += 1) await queue.add({ n }, { jobId: `c-${n}` });
      queue.process(
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(150);
          running -= 1;
          done += 1;
        },
        { concurrency: 3 },
      );
      await waitFor('every job', () => done === 8);
      expect(peak).toBe(3);
    });

    it('runs a job again after RetryLaterError, on the same attempt and without reporting a failure', async () => {
      const queue = await open({ attempts: 1 });
      const runs: { attempt: number; at: number }[] = [];
      const failures: unknown[] = [];
      queue.process(
        async (job) => {
          runs.push({ attempt: job.attempt, at: Date.now() });
          if (runs.length < 3) throw new RetryLaterError('engine down', 200);
        },
        { concurrency: 1, onFailed: (...args) => failures.push(args) },
      );
      await queue.add({ n: 1 }, { jobId: 'later' });
      await waitFor('three runs', () => runs.length === 3);
      await waitFor('an empty queue', drained(queue));
      expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1]);
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(190);
      expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(190);
      expect(failures).toEqual([]);
    });

    it('retries a thrown error with growing backoff, then reports the final failure', async () => {
      const queue = await open({ attempts: 3 });
      const runs: { attempt: number; at: number }[] = [];
      const failures: [string, number, boolean][] = [];
      queue.process(
        async (job) => {
          runs.push({ attempt: job.attempt, at: Date.now() });
          throw new Error(`attempt ${job.attempt} broke`);
        },
        { concurrency: 1, onFailed: (job, err, final) => failures.push([job.id, job.attempt, final]) },
      );
      await queue.add({ n: 1 }, { jobId: 'broken' });
      await waitFor('the final failure', () => failures.some(([, , final]) => final));
      await waitFor('an empty queue', drained(queue));
      await sleep(300);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      expect(failures).toEqual([
        ['broken', 1, false],
        ['broken', 2, false],
        ['broken', 3, true],
      ]);
      // backoffMs 50, doubled per attempt; a little slack for timer rounding.
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(45);
      expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(95);
    });

    it('stops retrying once a retry succeeds', async () => {
      const queue = await open({ attempts: 5 });
      const attempts: number[] = [];
      const failures: boolean[] = [];
      queue.process(
        async (job) => {
          attempts.push(job.attempt);
          if (job.attempt === 1) throw new Error('flaky');
        },
        { concurrency: 1, onFailed: (_job, _err, final) => failures.push(final) },
      );
      await queue.add({ n: 1 }, { jobId: 'flaky' });
      await waitFor('the retry', () => attempts.length === 2);
      await waitFor('an empty queue', drained(queue));
      expect(attempts).toEqual([1, 2]);
      expect(failures).toEqual([false]);
    });

    it('counts waiting, active and delayed jobs', async () => {
      const queue = await open();
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0 });
      for (let n = 0; n < 3; n += 1) await queue.add({ n }, { jobId: `w-${n}`, priority: n === 0 ? 1 : 100 });
      expect(await queue.counts()).toEqual({ waiting: 3, active: 0, delayed: 0 });

      const release = gate();
      queue.process(
        async (job) => {
          if (job.id === 'w-0') throw new RetryLaterError('not now', 60_000);
          await release.opened;
        },
        { concurrency: 1 },
      );
      await waitFor('one delayed, one active, one waiting', async () => {
        const c = await queue.counts();
        return c.delayed === 1 && c.active === 1 && c.waiting === 1;
      });
      release.open();
      await waitFor('only the delayed job left', async () => {
        const c = await queue.counts();
        return c.delayed === 1 && c.active === 0 && c.waiting === 0;
      });
    });

    it('close waits for the running job to finish', async () => {
      const queue = await open();
      const started = gate();
      let finished = false;
      queue.process(
        async () => {
          started.open();
          await sleep(300);
          finished = true;
        },
        { concurrency: 1 },
      );
      await queue.add({ n: 1 }, { jobId: 'slow' });
      await started.opened;
      await queue.close();
      expect(finished).toBe(true);
    });
  });
}
