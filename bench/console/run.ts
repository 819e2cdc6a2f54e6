// 300 browsing clients against a production-profile hub (issue 15 item 4): what a catalog user's browser asks
// for, one request kind at a time under autocannon, and the proxy byte ranges again from a plain static file
// server over the same proxy files, in the same run.
//
//   node bin/run-ts.js bench/console/run.ts [--assets 60] [--connections 300] [--seconds 10] [--range-kib 256]
//                                           [--rate 1] [--saturated 0]
//
// Two rounds. First browsing: 300 users clicking through search, an asset page's data, its poster and proxy
// ranges, each pausing to read for an exponential while of mean 1/`--rate` s (once a second is busier than
// people are), started at random moments (browse.ts); then the proxy step alone on the hub and on the static
// server at the same pace. Then saturated, one kind at a time under autocannon, each client asking again the
// moment it is answered (a closed loop: its latency is mostly the queue, connections / throughput, Little's law).
//
// The hub is `mxhub start` on the production profile (a fresh PostgreSQL database, Redis, Kafka
// 127.0.0.1:19092, clamd 127.0.0.1:13310), as the browser tests start it. Seeding drops tiny ffmpeg clips
// under Chinese and English names into news, broadcast and archive and waits until each is cleared and its
// proxy is made. The load authenticates as a viewer token from auth.tokens (no session needed).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { hashToken } from '../../services/gateway/auth';
import { startHub } from '../../test/support/hub-process';
import { createTestDatabase } from '../../test/support/pg';
import { browse } from './browse';
import { load, table, type Kind, type KindResult } from './load';
import { SEARCH_TERMS, dropAll, makeClips, waitSeeded, type SeededAsset } from './seed';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ASSETS = arg('assets', 60);
const CONNECTIONS = arg('connections', 300);
const SECONDS = arg('seconds', 10);
const RANGE = arg('range-kib', 256) * 1024;
const RATE = arg('rate', 1);
/** 0 leaves out the saturated round. */
const SATURATED = arg('saturated', 1);
const KAFKA = `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`;
const REDIS = process.env.MXHUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every file under `dir`. */
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );

/** The proxy file of each asset on disk (a path naming the asset and a proxy, of the size the hub serves). */
function proxyFiles(dataDir: string, assets: SeededAsset[]): Record<string, string> {
  const files = walk(dataDir).filter((f) => /prox/i.test(f));
  const map: Record<string, string> = {};
  for (const a of assets) {
    const file = files.find((f) => f.includes(a.assetId) && statSync(f).size === a.proxySize);
    if (!file) throw new Error(`no proxy file of ${a.assetId} (${a.proxySize} bytes) under ${dataDir}`);
    map[a.assetId] = file;
  }
  return map;
}

/** Starts the static baseline in its own process; resolves with its URL. */
async function startStatic(mapFile: string) {
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', '..', 'bin', 'run-ts.js'), join(__dirname, 'static-server.ts'), mapFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** A byte range inside a proxy, deterministic by n: the player's first range, then seeks. */
const rangeOf = (asset: SeededAsset, n: number) => {
  const span = Math.min(RANGE, asset.proxySize);
  const start = n % 4 === 0 ? 0 : Math.floor((((n * 7919) % 1000) / 1000) * (asset.proxySize - span));
  return { range: `bytes=${start}-${start + span - 1}` };
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-bench-console-'));
  const clipDir = mkdtempSync(join(tmpdir(), 'mxhub-bench-clips-'));
  const db = await createTestDatabase();
  const tag = randomBytes(5).toString('hex');
  const viewer = `viewer-${randomBytes(16).toString('hex')}`;
  const admin = `admin-${randomBytes(16).toString('hex')}`;
  const configFile = join(dataDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      profile: 'production',
      database: { url: db.url },
      redis: { url: REDIS, prefix: `mxhub-bench-console-${tag}` },
      kafka: { brokers: [KAFKA], topicPrefix: `mxbenchconsole.${tag}.` },
      connectors: { stabilityMs: 300, sidecarWaitMs: 500 },
      screening: { engines: ['clamav', 'yara-x'], clamd: { host: '127.0.0.1', port: 13310 }, retryUnavailableMs: 500 },
      media: { concurrency: 2 },
      auth: { tokens: [{ name: 'bench-viewer', role: 'viewer', sha256: hashToken(viewer) }] },
    }),
  );
  // MXHUB_BENCH_HUB_NODE_ARGS go to the hub's node (`--cpu-prof --cpu-prof-dir=/tmp/prof`, say).
  const nodeArgs = (process.env.MXHUB_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const hub = await startHub(
    ['--data', dataDir, '--config', configFile],
    { MXHUB_ADMIN_TOKEN: admin },
    120_000,
    nodeArgs,
  );
  // The hub's event-loop delay over a round: prom-client's histogram restarts at each scrape.
  const loopDelay = async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^mxhub_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    return `hub event-loop delay p50 ${read('nodejs_eventloop_lag_p50_seconds').toFixed(1)} ms, p99 ${read('nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${read('nodejs_eventloop_lag_max_seconds').toFixed(1)} ms`;
  };
  let stopStatic: (() => void) | undefined;
  try {
    const t0 = Date.now();
    const clips = makeClips(clipDir, ASSETS);
    dropAll(dataDir, clips);
    const assets = await waitSeeded(hub.url, admin, ASSETS, 600_000);
    console.log(
      `seeded ${assets.length} assets (cleared, proxy and poster made) in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    const mapFile = join(clipDir, 'proxies.json');
    writeFileSync(mapFile, JSON.stringify(proxyFiles(dataDir, assets)));
    const statik = await startStatic(mapFile);
    stopStatic = statik.stop;

    const id = (n: number) => assets[n % assets.length]!.assetId;
    const kinds: Kind[] = [
      { kind: 'search', path: (n) => `/v1/assets?q=${encodeURIComponent(SEARCH_TERMS[n % SEARCH_TERMS.length]!)}` },
      { kind: 'asset', path: (n) => `/v1/assets/${id(n)}` },
      { kind: 'replicas', path: (n) => `/v1/assets/${id(n)}/replicas` },
      { kind: 'timeline', path: (n) => `/v1/assets/${id(n)}/timeline` },
      { kind: 'usage', path: (n) => `/v1/assets/${id(n)}/usage` },
      { kind: 'poster', path: (n) => `/v1/assets/${id(n)}/poster` },
      {
        kind: 'proxy range (hub)',
        path: (n) => `/v1/assets/${id(n)}/proxy`,
        headers: (n) => rangeOf(assets[n % assets.length]!, n),
      },
    ];
    const staticProxy: Kind = {
      kind: 'proxy range (static)',
      path: (n) => `/${id(n)}`,
      headers: (n) => rangeOf(assets[n % assets.length]!, n),
    };
    const hubProxy = kinds.find((k) => k.kind === 'proxy range (hub)')!;
    const verdict = (pace: string, rows: KindResult[]) => {
      const api = rows.filter((r) => !r.kind.startsWith('proxy') && r.kind !== 'poster');
      const worst = Math.max(...api.map((r) => r.p99));
      const errors = rows.reduce((s, r) => s + r.errors + r.non2xx, 0);
      console.log(
        `aim (${pace}): API reads p99 < 100 ms (worst ${worst} ms: ${worst < 100 ? 'met' : 'NOT met'}); errors ${errors}`,
      );
    };
    const ratio = (hub: KindResult, base: KindResult) =>
      `proxy ranges hub/static: p50 ${(hub.p50 / base.p50).toFixed(2)}, p99 ${(hub.p99 / base.p99).toFixed(2)}, ` +
      `req/s ${(hub.rps / base.rps).toFixed(2)}`;

    // Round 1: people browsing, every step of the flow mixed as they click it; then the proxy step alone on the
    // hub and on the static server at the same pace, for the ratio.
    const browsing = `browsing, ${CONNECTIONS} users each clicking every ${1 / RATE} s on average (exponential)`;
    const paced = { clients: CONNECTIONS, seconds: SECONDS * 3, rate: RATE, warmupSeconds: 5 };
    await loopDelay();
    const mixed = await browse(hub.url, kinds, { ...paced, token: viewer });
    const mixedLoop = await loopDelay();
    const hubAlone = {
      ...(await browse(hub.url, [hubProxy], { ...paced, token: viewer }))[0]!,
      kind: 'proxy alone (hub)',
    };
    const staticAlone = (await browse(statik.url, [staticProxy], paced))[0]!;
    console.log(
      `\n${browsing}, ${paced.seconds} s after a ${paced.warmupSeconds} s warm-up, ${assets.length} assets, ranges of ${RANGE / 1024} KiB`,
    );
    console.log(table([...mixed, hubAlone, staticAlone]));
    console.log(ratio(hubAlone, staticAlone));
    console.log(`during the mixed browsing: ${mixedLoop}`);
    verdict('browsing', mixed);
    if (!SATURATED) return;

    // Round 2: saturated, one kind at a time, each client asking again the moment it is answered (capacity).
    const saturated = 'saturated, no pause between requests';
    const rows: KindResult[] = [];
    console.log(`\n${saturated}`);
    for (const kind of kinds) {
      rows.push(await load(hub.url, kind, { connections: CONNECTIONS, seconds: SECONDS, token: viewer }));
      console.log(table(rows.slice(-1)).split('\n')[1]);
    }
    const base = await load(statik.url, staticProxy, { connections: CONNECTIONS, seconds: SECONDS });
    rows.push(base);
    console.log(`\n${CONNECTIONS} connections ${saturated}, ${SECONDS} s per kind, ${assets.length} assets`);
    console.log(table(rows));
    console.log(
      ratio(
        rows.find((r) => r.kind === 'proxy range (hub)')!,
        base,
      ),
    );
    verdict(saturated, rows);
  } finally {
    stopStatic?.();
    await hub.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(clipDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
