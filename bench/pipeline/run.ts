// Drop → cleared (and delivered) for one large file through a whole hub in
// this process, built as `mxhub start` builds it (embedded profile unless
// DATABASE_URL, REDIS_URL and KAFKA_BROKERS are set), with clamd and YARA-X
// both required. Beside it, in the same run and on the same bytes: clamd
// INSTREAM alone and YARA-X alone through the hub's own adapters, and
// sha256sum (measured before and after the hub, the machine being shared).
// Each stage's time comes from the asset's events (their occurredAt), and the
// main thread's longest stall from monitorEventLoopDelay.
//
//   node bin/run-ts.js bench/pipeline/run.ts        (npm run bench:pipeline)
//
// Environment: MXHUB_BENCH_PIPELINE_BYTES (1 GiB), MXHUB_BENCH_DIR; clamd on
// 127.0.0.1:13310 (node ops/test-services.js up, or ops/clamav/start.sh).
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import type { StoredEvent } from '../../events/envelope';
import { buildHub } from '../../hub/build';
import { loadConfig } from '../../hub/config';
import { measureBaselines, run, s, writeWav, type Baselines } from './baselines';

const env = process.env;
const BYTES = Number(env.MXHUB_BENCH_PIPELINE_BYTES ?? 2 ** 30);
const STABILITY_MS = 2000;

/** When each step of the one asset's life was recorded: `AssetScreened:<stage>` for the stages. */
type Timeline = Map<string, number>;

const key = (e: StoredEvent) => {
  const stage = (e.data as { stage?: string }).stage;
  return e.type === 'AssetScreened' && stage ? `${e.type}:${stage}` : e.type;
};

function printTimeline(t: Timeline, dropped: number): void {
  let previous = dropped;
  console.log('hub, from the events (occurredAt), each step since the one before:');
  for (const [step, at] of [...t].sort((a, b) => a[1] - b[1])) {
    console.log(`  ${step.padEnd(34)} +${s(at - previous).padStart(9)}   (${s(at - dropped)} since the drop)`);
    previous = at;
  }
}

function printRatios(t: Timeline, dropped: number, before: Baselines, after: Baselines): void {
  const slower = Math.max(Math.min(before.clamd, after.clamd), Math.min(before.yara, after.yara));
  const cleared = (t.get('AssetCleared') ?? NaN) - dropped;
  const av = (t.get('AssetScreened:antivirus') ?? NaN) - (t.get('AssetScreened:intrusion') ?? NaN);
  const row = (name: string, b: number, a: number) => console.log(`  ${name.padEnd(28)} ${s(b)}  ${s(a)}`);
  console.log('baselines on the same bytes     before    after the hub:');
  row('clamd INSTREAM alone', before.clamd, after.clamd);
  row('YARA-X alone', before.yara, after.yara);
  row('sha256sum', before.sha256sum, after.sha256sum);
  console.log('ratios (baselines: the faster of before and after):');
  console.log(`  antivirus stage / slower engine alone           ${(av / slower).toFixed(2)}`);
  console.log(
    `  drop → cleared / (slower engine + stability ${STABILITY_MS / 1000} s) ${(cleared / (slower + STABILITY_MS)).toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(env.MXHUB_BENCH_DIR ?? tmpdir(), 'mxhub-bench-pipeline-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ screening: { engines: ['clamav', 'yara-x'] }, log: { level: 'warn' } }));
  const config = loadConfig({ file: configFile, flags: { data: join(dir, 'hub'), port: 0 }, env });
  const source = join(dir, 'big.wav');
  try {
    await writeWav(source, BYTES);
    console.log(`pipeline bench: one ${(BYTES / 2 ** 20).toFixed(0)} MiB WAV, ${config.profile} hub, in ${dir}`);
    console.log(
      `load average at the start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const before = await measureBaselines(source);
    const hub = await buildHub(config, pino({ level: config.logLevel }));
    await hub.start();
    const timeline: Timeline = new Map();
    let settle: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => (settle = resolve));
    const consumer = await hub.backbone.consume(
      { groupId: `bench-pipeline-${process.pid}`, categories: ['asset', 'transfer'], fromBeginning: false },
      async (e) => {
        if (!timeline.has(key(e))) timeline.set(key(e), Date.parse(e.metadata.occurredAt));
        if (['TransferCompleted', 'TransferFailed', 'AssetQuarantined'].includes(e.type)) settle?.();
      },
    );
    const news = config.networks.find((n) => n.id === 'news')!.root;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const dropped = Date.now();
    // cp as a new user would: the connector sees the file grow and claims it once it has been still for the window.
    await run('cp', [source, join(news, 'drop', 'broadcast', 'big.wav')]);
    await ended;
    delay.disable();
    await consumer.stop();
    await hub.stop();
    printTimeline(timeline, dropped);
    console.log(
      `  main thread: longest stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`,
    );
    const after = await measureBaselines(source);
    printRatios(timeline, dropped, before, after);
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
