// Transfers through a whole hub in this process: `buildHub` as `mxhub start`
// builds it (embedded profile: PGlite event store, in-process backbone and
// queues; production when DATABASE_URL, REDIS_URL and KAFKA_BROKERS are all
// set: give it a fresh database and MXHUB_QUEUE_PREFIX). A cleared asset is
// appended to the log and the hub does the rest: screening's requester asks
// for the transfer, the backbone consumer queues it in its lane, a channel
// runs the saga (events for every step, projections following). Each figure
// is timed from the asset's append to the last TransferCompleted, beside its
// baseline in the same run:
//   (a) one large file against cp (and cp + sync), alternated;
//   (b) 16 at once against 16 parallel cp;
//   (c) many files of 100 KB: files per second against cp -r, and the share
//       of the hub's time spent outside the copy itself;
//   (d) how long a new urgent task waits to start while every normal channel
//       is busy and hundreds of normal tasks are queued, against the same
//       wait on the idle hub.
//
//   node bin/run-ts.js bench/transfer/hub-run.ts     (npm run bench:transfer:hub)
//
// Environment: MXHUB_BENCH_HUB_BYTES (2 GiB), MXHUB_BENCH_HUB_ROUNDS (2),
// MXHUB_BENCH_HUB_PARALLEL_BYTES (256 MiB each of 16), MXHUB_BENCH_HUB_FILES
// (2000), MXHUB_BENCH_HUB_QUEUED (500 normal tasks behind the busy channels),
// MXHUB_BENCH_HUB_URGENT (10 urgent tasks, one after another), MXHUB_BENCH_HUB_MEDIA (media.concurrency,
// 1; 0 leaves browse renditions out), MXHUB_BENCH_DIR.
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { buildHub, type Hub } from '../../hub/build';
import { loadConfig } from '../../hub/config';
import { mapWithLimit } from '../../services/screening/scan-media/pool';
import { createTransferCommands } from '../../services/transfer/commands';
import { createInProcessProgressBoard } from '../../services/transfer/progress';
import { cacheNote, compareLarge, compareMany } from './baselines';
import { stage, type Nodes, type Staged } from './fixtures';
import { appendClearedAsset, watchTransfers, type TransferWatch } from './hub-assets';

const env = process.env;
const BIG = Number(env.MXHUB_BENCH_HUB_BYTES ?? 2 * 1024 ** 3);
const ROUNDS = Number(env.MXHUB_BENCH_HUB_ROUNDS ?? 2);
const PARALLEL_BYTES = Number(env.MXHUB_BENCH_HUB_PARALLEL_BYTES ?? 256 * 1024 ** 2);
const FILES = Number(env.MXHUB_BENCH_HUB_FILES ?? 2000);
const QUEUED = Number(env.MXHUB_BENCH_HUB_QUEUED ?? 500);
const URGENT = Number(env.MXHUB_BENCH_HUB_URGENT ?? 10);
const MEDIA = Number(env.MXHUB_BENCH_HUB_MEDIA ?? 1);
const PARALLEL = 16;
const route = { source: 'news', targets: ['broadcast'] };
const meta = { actor: 'user:bench', correlationId: 'bench-transfer-hub' };

/** Where the time of each hub run went, printed after its case. */
const legs: string[] = [];
const printLegs = () => {
  for (const line of legs.splice(0)) console.log(`  hub run: ${line}`);
};

/** Empties broadcast's inbox (the hub keeps watching the node, so the node itself stays). */
async function clearInbox(inbox: string): Promise<void> {
  for (const name of await readdir(inbox)) await rm(join(inbox, name), { recursive: true, force: true });
}

/** Wall time from appending cleared assets for `files` to the last of their transfers completing. */
async function throughHub(hub: Hub, watch: TransferWatch, inbox: string, files: Staged[]): Promise<number> {
  await clearInbox(inbox);
  const started = Date.now();
  const assets = await mapWithLimit(files, 16, (f) => appendClearedAsset(hub.store, f, route));
  const ids = assets.flatMap((a) => a.transferIds);
  const done = await watch.all(ids, 'TransferCompleted');
  legs.push(watch.legs(ids, started));
  const delivered = (await readdir(inbox)).length;
  if (delivered !== files.length * 2) throw new Error(`${delivered / 2} of ${files.length} deliveries in ${inbox}`);
  return done - started;
}

/** Milliseconds from each urgent task's request to its start, one task after another. */
async function urgentWaits(hub: Hub, watch: TransferWatch, file: Staged): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < URGENT; i += 1) {
    const requestedAt = Date.now();
    const { transferIds } = await appendClearedAsset(hub.store, file, { ...route, sidecarPriority: 1 });
    waits.push((await watch.all(transferIds, 'TransferStarted')) - requestedAt);
    await watch.all(transferIds, 'TransferCompleted');
  }
  return waits;
}

async function urgentUnderLoad(hub: Hub, watch: TransferWatch, nodes: Nodes): Promise<void> {
  const urgentFile = await stage(nodes, 'urgent.mxf', 1024 * 1024);
  const idle = await urgentWaits(hub, watch, urgentFile);

  // Fill the normal lane: a cap of 8 Mbit/s shared by its channels keeps every one of them busy for minutes.
  const commands = createTransferCommands({
    store: hub.store,
    progress: createInProcessProgressBoard(),
    networks: hub.config.networks.map((n) => n.id),
  });
  await commands.configureLane('normal', { bandwidthMbps: 8 }, meta);
  await sleep(2500);
  const channels = hub.transfer.lanes().status().normal.channels;
  const filler = await stage(nodes, 'filler.mxf', 4 * 1024 * 1024);
  const normal = await mapWithLimit(
    Array.from({ length: channels + QUEUED }, () => filler),
    16,
    (f) => appendClearedAsset(hub.store, f, route),
  );
  // Which of them the channels take first is the lanes' business: wait until every normal channel holds one.
  for (let waited = 0; hub.transfer.lanes().status().normal.busy < channels; waited += 100) {
    if (waited > 120_000)
      throw new Error(`the normal lane did not fill: ${JSON.stringify(hub.transfer.lanes().status())}`);
    await sleep(100);
  }
  if (normal.length !== channels + QUEUED) throw new Error('a filler asset is missing');
  const loaded = await urgentWaits(hub, watch, urgentFile);
  const status = hub.transfer.lanes().status();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = (xs: number[]) => `median ${median(xs)} ms, max ${Math.max(...xs)} ms`;
  console.log(`\nurgent task, request to start (${URGENT} tasks, one after another):`);
  console.log(`  idle hub                                   ${ms(idle)}`);
  console.log(
    `  ${channels} normal channels busy, ${QUEUED} normal queued  ${ms(loaded)}   ratio loaded / idle ${(median(loaded) / Math.max(1, median(idle))).toFixed(2)}`,
  );
  console.log(`  lanes at the end: ${JSON.stringify(status)}`);
  await commands.configureLane('normal', { bandwidthMbps: null }, meta);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(env.MXHUB_BENCH_DIR ?? tmpdir(), 'mxhub-bench-hub-'));
  const configFile = join(dir, 'config.json');
  // The bench appends assets already cleared: no engine is asked, so none is required.
  // Browse renditions (issue 14) are tried for every cleared asset, off the delivery path but on the same
  // two cores; MXHUB_BENCH_HUB_MEDIA=0 leaves them out, to compare the transfer path alone with older code.
  const media = { concurrency: MEDIA };
  writeFileSync(configFile, JSON.stringify({ screening: { engines: ['yara-x'] }, media, log: { level: 'warn' } }));
  const config = loadConfig({ file: configFile, flags: { data: join(dir, 'hub'), port: 0 }, env });
  const hub = await buildHub(config, pino({ level: config.logLevel }));
  await hub.start();
  const watch = await watchTransfers(hub.backbone);
  console.log(
    `transfer bench through a ${config.profile} hub (${hub.sql.kind}, ${hub.backbone.kind}) in ${dir}, ` +
      `browse renditions ${MEDIA === 0 ? 'off' : `on (media.concurrency ${MEDIA})`}`,
  );
  console.log(cacheNote());
  const root = (id: string) => config.networks.find((n) => n.id === id)!.root;
  const inbox = join(root('broadcast'), 'inbox');
  // Files are staged on the news node as the connector stages them; cp writes to a target of its own.
  const nodes: Nodes = { sourceRoot: root('news'), targetRoot: join(dir, 'cp-target') };
  await mkdir(join(nodes.targetRoot, 'inbox'), { recursive: true });
  try {
    const big = await stage(nodes, 'big.mxf', BIG);
    await compareLarge(
      nodes,
      [big],
      { rounds: ROUNDS, label: 'one large file', hubLabel: 'hub, asset to completed' },
      () => throughHub(hub, watch, inbox, [big]),
    );
    printLegs();
    await rm(big.path);
    const parallel: Staged[] = [];
    for (let i = 0; i < PARALLEL; i += 1) parallel.push(await stage(nodes, `p${i}.mxf`, PARALLEL_BYTES));
    await compareLarge(
      nodes,
      parallel,
      { rounds: ROUNDS, label: `${PARALLEL} files in parallel`, hubLabel: 'hub, assets to completed' },
      () => throughHub(hub, watch, inbox, parallel),
    );
    printLegs();
    for (const f of parallel) await rm(f.path);
    const folder = 'bulk';
    const small = await mapWithLimit(
      Array.from({ length: FILES }, (_, i) => i),
      16,
      (i) => stage(nodes, `f${String(i).padStart(5, '0')}.wav`, 100_000, folder),
    );
    const channels = hub.transfer.lanes().status().normal.channels;
    await compareMany(nodes, small, { folder, concurrency: channels, hubLabel: 'hub, assets to completed' }, () =>
      throughHub(hub, watch, inbox, small),
    );
    printLegs();
    await urgentUnderLoad(hub, watch, nodes);
  } finally {
    await watch.stop();
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
