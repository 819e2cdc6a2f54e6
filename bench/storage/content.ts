// Content serving: GET /v1/assets/{id}/content against reading the same file
// directly, in the same process and run (issue 13, bench/storage).
//
//   node bin/run-ts.js bench/storage/content.ts [--mib 256] [--rounds 3] [--clients 100] [--range-kib 1024] [--reads 5] [--curl]
//
// --curl reads the whole file with curl in its own process instead of this
// process's fetch, so the gateway is not sharing its CPU with the client.
// Throughput: the whole file through the gateway (socket, @fastify/send, the
// AssetRead append) and through fs.createReadStream, both drained by this
// process; rounds alternate which side goes first, the best of each counts.
// Range latency: `--clients` concurrent readers, each reading `--reads`
// random ranges of `--range-kib`, over HTTP and by FileHandle.read; p50 and
// p99 of each. The store is embedded (PGlite in memory): every HTTP read
// appends its AssetRead there. A second baseline, `bare`, is a plain
// node:http server in this process streaming the same file (1 MiB reads, a
// byte range when asked): the same socket and client without the hub, so
// hub / bare is what the hub itself costs and bare / direct what the socket does.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createProjectionRunner } from '../../events/projections';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import { uuidv7 } from '../../lib/ids';
import { migrateLatest } from '../../migrations/run';
import { buildGateway } from '../../services/gateway/app';
import { hashToken } from '../../services/gateway/auth';
import { unmeasuredLinks } from '../../services/store/domain/choose-source';
import { storeProjection } from '../../services/store/read-model/projection';
import { createReplicaQueries } from '../../services/store/read-model/queries';
import { createStoreRoutes } from '../../services/store/routes';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIB = arg('mib', 256);
const ROUNDS = arg('rounds', 3);
const CLIENTS = arg('clients', 100);
const RANGE = arg('range-kib', 1024) * 1024;
const READS = arg('reads', 5);
const TOKEN = randomBytes(24).toString('base64url');
const CURL = process.argv.includes('--curl');

const drain = async (stream: AsyncIterable<Uint8Array>) => {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mxhub-bench-storage-'));
  const file = join(dir, 'clip.mxf');
  const bytes = randomBytes(MIB * 1024 * 1024);
  await writeFile(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const sql = await createPGliteSql();
  await migrateLatest(sql);
  const store = createPGliteEventStore(sql);
  const assetId = uuidv7();
  const meta = { correlationId: assetId, causationId: assetId, actor: 'bench', occurredAt: new Date().toISOString() };
  const event = (type: string, data: object) => ({ id: uuidv7(), type, data: { assetId, ...data }, metadata: meta });
  await store.append(`asset-${assetId}`, [
    event('AssetDetected', { sourceNetwork: 'news', targets: [], originalName: 'clip.mxf', sizeBytes: bytes.length }),
    event('AssetIngested', { stagedPath: file, sizeBytes: bytes.length, sha256 }),
    event('AssetCleared', { targets: [] }),
    event('ReplicaStored', { network: 'news', path: file, sha256, kind: 'origin', sizeBytes: bytes.length }),
  ]);
  await createProjectionRunner({
    sql,
    store,
    projections: [storeProjection],
    logger: pino({ level: 'silent' }),
  }).catchUp();
  const app = buildGateway(
    {
      store,
      sql,
      logger: pino({ level: 'silent' }),
      metrics: new Registry(),
      auth: { tokens: [{ name: 'bench', role: 'admin', sha256: hashToken(TOKEN) }] },
      health: { ready: async () => ({ ready: true, checks: {} }) },
    },
    {
      routes: [
        createStoreRoutes({
          queries: createReplicaQueries(sql),
          store,
          networks: ['news', 'broadcast'],
          links: unmeasuredLinks,
        }),
      ],
    },
  );
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/v1/assets/${assetId}/content?network=news`;
  const get = (range?: string) =>
    fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, ...(range ? { range } : {}) } });

  const bare = createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const [start, end] = range ? [Number(range[1]), Number(range[2])] : [0, bytes.length - 1];
    res.writeHead(range ? 206 : 200, { 'content-length': end - start + 1 });
    createReadStream(file, { highWaterMark: 1024 * 1024, start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const getBare = (range?: string) => fetch(bareUrl, range ? { headers: { range } } : {});

  const curl = () =>
    new Promise<number>((resolve, reject) =>
      execFile(
        'curl',
        ['-s', '-o', '/dev/null', '-w', '%{size_download}', '-H', `authorization: Bearer ${TOKEN}`, url],
        (err, stdout) => (err ? reject(err) : resolve(Number(stdout))),
      ),
    );
  const timeHttp = async () => {
    const t = performance.now();
    if (CURL) {
      const n = await curl();
      if (n !== bytes.length) throw new Error(`curl got ${n} bytes, not ${bytes.length}`);
      return performance.now() - t;
    }
    const res = await get();
    const n = await drain(res.body!);
    if (n !== bytes.length) throw new Error(`HTTP gave ${n} bytes, not ${bytes.length}`);
    return performance.now() - t;
  };
  const timeBare = async () => {
    const t = performance.now();
    const n = await drain((await getBare()).body!);
    if (n !== bytes.length) throw new Error(`bare HTTP gave ${n} bytes, not ${bytes.length}`);
    return performance.now() - t;
  };
  const timeDirect = async () => {
    const t = performance.now();
    await drain(createReadStream(file, { highWaterMark: 1024 * 1024 }));
    return performance.now() - t;
  };
  const sides = { http: timeHttp, bare: timeBare, direct: timeDirect };
  const best = { http: Infinity, bare: Infinity, direct: Infinity };
  for (const time of Object.values(sides)) await time();
  for (let r = 0; r < ROUNDS; r++) {
    // Each side goes first, second and last in turn.
    const order = (['http', 'bare', 'direct'] as const).map((_, i, all) => all[(i + r) % all.length]!);
    for (const side of order) best[side] = Math.min(best[side], await sides[side]());
  }
  const mbps = (ms: number) => bytes.length / 1e6 / (ms / 1000);
  console.log(
    `whole file ${MIB} MiB, best of ${ROUNDS}: HTTP ${mbps(best.http).toFixed(0)} MB/s, bare node:http ${mbps(best.bare).toFixed(0)} MB/s, ` +
      `direct ${mbps(best.direct).toFixed(0)} MB/s; ratio to direct ${(best.direct / best.http).toFixed(2)}, ` +
      `to bare ${(best.bare / best.http).toFixed(2)}`,
  );

  const handle = await open(file, 'r');
  const ranges = Array.from({ length: CLIENTS }, () =>
    Array.from({ length: READS }, () => Math.floor(Math.random() * (bytes.length - RANGE))),
  );
  const lat = { http: [] as number[], bare: [] as number[], direct: [] as number[] };
  await Promise.all(
    ranges.map(async (starts) => {
      for (const start of starts) {
        const t = performance.now();
        const res = await get(`bytes=${start}-${start + RANGE - 1}`);
        if ((await drain(res.body!)) !== RANGE || res.status !== 206) throw new Error(`range ${start}: ${res.status}`);
        lat.http.push(performance.now() - t);
      }
    }),
  );
  await Promise.all(
    ranges.map(async (starts) => {
      for (const start of starts) {
        const t = performance.now();
        const res = await getBare(`bytes=${start}-${start + RANGE - 1}`);
        if ((await drain(res.body!)) !== RANGE) throw new Error(`bare range ${start}: ${res.status}`);
        lat.bare.push(performance.now() - t);
      }
    }),
  );
  await Promise.all(
    ranges.map(async (starts) => {
      for (const start of starts) {
        const t = performance.now();
        await handle.read(Buffer.alloc(RANGE), 0, RANGE, start);
        lat.direct.push(performance.now() - t);
      }
    }),
  );
  await handle.close();
  const show = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;
  console.log(
    `${CLIENTS} clients x ${READS} ranges of ${RANGE / 1024} KiB: HTTP ${show(lat.http)}; bare ${show(lat.bare)}; direct ${show(lat.direct)}`,
  );
  await app.close();
  await new Promise((resolve) => bare.close(resolve));
  await sql.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
