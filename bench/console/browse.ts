// People browsing: `clients` users, each clicking through the catalog as a person does: a request, the answer,
// then a pause to read (an exponential think time of mean 1/rate s), then the next step of the flow (search,
// the asset page's data, its poster, its proxy ranges). Each user starts at a random moment of the first
// think time, so 300 users do not click in step.
//
// Hand-written rather than autocannon: autocannon's connectionRate fires every connection on the same tick,
// so 300 "paced" clients arrive as one burst of 300 each second and measure the burst, not people. This is an
// HTTP keep-alive client per user (node:http) and a histogram per step (node:perf_hooks), nothing more.
import { Agent, request } from 'node:http';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kind, KindResult } from './load';

/** One GET; resolves with its status once the whole body is read. */
function get(agent: Agent, base: URL, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, path, method: 'GET', headers, timeout: 30_000 },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Exponentially distributed pause of the given mean. */
const think = (meanMs: number) => -Math.log(1 - Math.random()) * meanMs;

export async function browse(
  base: string,
  steps: Kind[],
  opts: { clients: number; seconds: number; rate: number; token?: string; warmupSeconds?: number },
): Promise<KindResult[]> {
  const url = new URL(base);
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const meanMs = 1000 / opts.rate;
  const stats = steps.map(() => ({ h: createHistogram() as RecordableHistogram, errors: 0, non2xx: 0 }));
  let n = 0;
  // Users click through the warm-up too (their connections open, the routes warm), unrecorded.
  const t0 = performance.now() + (opts.warmupSeconds ?? 0) * 1000;
  const slow: string[] = [];
  const end = t0 + opts.seconds * 1000;

  const user = async (u: number) => {
    // One connection per user, as a browser keeps one to the hub.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await sleep(Math.random() * meanMs);
    for (let step = u % steps.length; performance.now() < end; step = (step + 1) % steps.length) {
      const kind = steps[step]!;
      const s = stats[step]!;
      const i = n++;
      const started = performance.now();
      try {
        const status = await get(agent, url, kind.path(i), { ...auth, ...(kind.headers?.(i) ?? {}) });
        if (status < 200 || status > 299) s.non2xx += 1;
      } catch {
        s.errors += 1;
      }
      const took = performance.now() - started;
      if (started >= t0) {
        s.h.record(Math.max(1, Math.round(took * 1000)));
        // MXHUB_BENCH_SLOW=1 lists each request over 100 ms: when in the round, which step, which user.
        if (process.env.MXHUB_BENCH_SLOW && took > 100) {
          slow.push(`${((started - t0) / 1000).toFixed(1)} s ${kind.kind} ${took.toFixed(0)} ms user ${u}`);
        }
      }
      await sleep(think(meanMs));
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, u) => user(u)));
  const elapsed = (performance.now() - t0) / 1000;
  if (slow.length) console.log(slow.join('\n'));

  const ms = (us: number) => Math.round(us / 100) / 10;
  return steps.map((kind, i) => {
    const { h, errors, non2xx } = stats[i]!;
    return {
      kind: kind.kind,
      requests: h.count,
      rps: h.count / elapsed,
      p50: ms(h.percentile(50)),
      p975: ms(h.percentile(97.5)),
      p99: ms(h.percentile(99)),
      errors,
      non2xx,
    };
  });
}
