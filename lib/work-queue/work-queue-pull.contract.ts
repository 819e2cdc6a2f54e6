import { randomUUID } from 'node:crypto';
import { sleep, waitFor } from './testing';
import type { Lease, WorkQueue, WorkQueueOptions } from './work-queue';
import type { ContractJob } from './work-queue.contract';

type MakeQueue = (name: string, options: WorkQueueOptions) => WorkQueue<ContractJob> | Promise<WorkQueue<ContractJob>>;

/**
 * The pull half of the port (`take`, leases, `changePriority`, `remove`,
 * `state`, `progressOf`), run against every adapter like the push contract.
 */
export function describeWorkQueuePullContract(
  label: string,
  makeQueue: MakeQueue,
  cleanup?: (name: string) => Promise<void>,
): void {
  describe(`WorkQueue pull contract: ${label}`, () => {
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

    const takeAll = async (queue: WorkQueue<ContractJob>) => {
      const leases: Lease<ContractJob>[] = [];
      for (let l = await queue.take(0); l; l = await queue.take(0)) leases.push(l);
      return leases;
    };

    it('answers undefined at once with block 0, and after blockMs when nothing arrives', async () => {
      const queue = await open();
      expect(await queue.take(0)).toBeUndefined();
      const at = Date.now();
      expect(await queue.take(300)).toBeUndefined();
      expect(Date.now() - at).toBeGreaterThanOrEqual(290);
    });

    it('takes by priority then age, and holds each job until its lease is settled', async () => {
      const queue = await open();
      const jobs: [string, number][] = [
        ['a', 5],
        ['b', 1],
        ['c', 5],
        ['d', 3],
      ];
      for (const [jobId, priority] of jobs) await queue.add({ n: priority }, { jobId, priority });
      const leases = await takeAll(queue);
      expect(leases.map((l) => [l.job.id, l.job.attempt])).toEqual([
        ['b', 1],
        ['d', 1],
        ['a', 1],
        ['c', 1],
      ]);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 4, delayed: 0 });
      expect(await queue.state('a')).toBe('active');
      await queue.add({ n: 9 }, { jobId: 'a' });
      expect(await queue.take(0)).toBeUndefined();
      for (const l of leases) await l.complete();
      expect(await queue.state('a')).toBeUndefined();
      await expect(leases[0]!.complete()).rejects.toThrow(/settled already/);
      await queue.add({ n: 10 }, { jobId: 'a' });
      const again = (await queue.take(0))!;
      expect(again.job.data).toEqual({ n: 10 });
      await again.complete();
    });

    it('wakes a blocked take as soon as a job is added, one job per taker', async () => {
      const queue = await open();
      const at = Date.now();
      const pending = [queue.take(5000), queue.take(5000), queue.take(5000)];
      await sleep(100);
      for (let n = 0; n < 3; n += 1) await queue.add({ n }, { jobId: `w${n}` });
      const leases = await Promise.all(pending);
      expect(Date.now() - at).toBeLessThan(2000);
      expect(leases.map((l) => l?.job.id).sort()).toEqual(['w0', 'w1', 'w2']);
      for (const l of leases) await l!.complete();
    });

    it('fail retries with backoff on the next attempt, then fails for good', async () => {
      const queue = await open({ attempts: 2 });
      await queue.add({ n: 1 }, { jobId: 'f' });
      const first = (await queue.take(0))!;
      expect(await first.fail(new Error('broken'))).toBe('retrying');
      expect(await queue.state('f')).toBe('delayed');
      const second = (await queue.take(5000))!;
      expect([second.job.id, second.job.attempt]).toEqual(['f', 2]);
      expect(await second.fail('still broken')).toBe('failed');
      expect(await queue.state('f')).toBeUndefined();
      expect(await queue.take(300)).toBeUndefined();
    });

    it('retryLater runs the job again after the delay without spending an attempt', async () => {
      const queue = await open({ attempts: 1 });
      await queue.add({ n: 1 }, { jobId: 'r' });
      const first = (await queue.take(0))!;
      const at = Date.now();
      await first.retryLater(300);
      expect(await queue.state('r')).toBe('delayed');
      expect(await queue.take(0)).toBeUndefined();
      const again = (await queue.take(5000))!;
      expect(Date.now() - at).toBeGreaterThanOrEqual(280);
      expect([again.job.id, again.job.attempt]).toEqual(['r', 1]);
      await again.complete();
    });

    it('changePriority moves a waiting job; refuses an active or unknown one', async () => {
      const queue = await open();
      for (const jobId of ['a', 'b', 'c', 'd']) await queue.add({ n: 0 }, { jobId, priority: 5 });
      expect(await queue.changePriority('c', 1)).toBe(true);
      expect(await queue.changePriority('a', 9)).toBe(true);
      const first = (await queue.take(0))!;
      expect(first.job.id).toBe('c');
      expect(await queue.changePriority('c', 9)).toBe(false);
      expect(await queue.changePriority('nope', 1)).toBe(false);
      const rest = await takeAll(queue);
      expect(rest.map((l) => l.job.id)).toEqual(['b', 'd', 'a']);
      for (const l of [first, ...rest]) await l.complete();
    });

    it('remove drops a waiting or delayed job, not an active or unknown one', async () => {
      const queue = await open();
      for (const jobId of ['a', 'b', 'c']) await queue.add({ n: 0 }, { jobId });
      const a = (await queue.take(0))!;
      const b = (await queue.take(0))!;
      await b.retryLater(60_000);
      expect([await queue.state('a'), await queue.state('b'), await queue.state('c')]).toEqual([
        'active',
        'delayed',
        'waiting',
      ]);
      expect(await queue.get('b')).toEqual({ id: 'b', data: { n: 0 }, priority: 100, state: 'delayed' });
      expect((await queue.get('a'))?.state).toBe('active');
      expect(await queue.get('nope')).toBeUndefined();
      expect(await queue.remove('a')).toBe(false);
      expect(await queue.remove('b')).toBe(true);
      expect(await queue.remove('c')).toBe(true);
      expect(await queue.remove('nope')).toBe(false);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 1, delayed: 0 });
      await a.complete();
    });

    it('reports the progress of a held job', async () => {
      const queue = await open();
      await queue.add({ n: 0 }, { jobId: 'p' });
      expect(await queue.progressOf('p')).toBeUndefined();
      const lease = (await queue.take(0))!;
      expect(await queue.progressOf('p')).toBe(0);
      await lease.job.progress(40);
      expect(await queue.progressOf('p')).toBe(40);
      await lease.complete();
      expect(await queue.progressOf('p')).toBeUndefined();
    });

    it('close answers blocked takers and waits for held leases', async () => {
      const queue = await open();
      await queue.add({ n: 0 }, { jobId: 'h' });
      const lease = (await queue.take(0))!;
      const blocked = queue.take(30_000);
      let closed = false;
      const closing = queue.close().then(() => (closed = true));
      expect(await blocked).toBeUndefined();
      await sleep(200);
      expect(closed).toBe(false);
      await lease.complete();
      await closing;
      await waitFor('close', () => closed);
    });
  });
}
