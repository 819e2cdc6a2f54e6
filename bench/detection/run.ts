// Detection latency as a new user sees it (issue 12 item 3): one small file at
// a time written into networks/news/drop/broadcast/ of an embedded hub built
// as `mxhub start` builds it (default configuration: stability window 2 s),
// and the time from the writer's close to the claim (`AssetDetected`) and to
// the delivery (`TransferCompleted`), from the events' occurredAt. The
// baseline, measured in the same run on the same file, is a plain copy into
// the target's inbox (`cp`): what a user would do without the hub.
//
//   node bin/run-ts.js bench/detection/run.ts        (npm run bench:detection)
//
// Environment: MXHUB_BENCH_DETECTION_FILES (10), MXHUB_BENCH_DIR. Aims: claim
// ≤ stability window + 0.5 s, delivered < 3 s.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildHub } from '../../hub/build';
import { loadConfig } from '../../hub/config';
import { run, timed } from '../pipeline/baselines';

const env = process.env;
const FILES = Number(env.MXHUB_BENCH_DETECTION_FILES ?? 10);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (v: number) => `${v.toFixed(0)} ms`.padStart(8);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(env.MXHUB_BENCH_DIR ?? tmpdir(), 'mxhub-bench-detection-'));
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ log: { level: 'warn' } }));
  const config = loadConfig({ file: configFile, flags: { data: join(dir, 'hub'), port: 0 }, env });
  const stabilityMs = config.connectors.stabilityMs;
  const source = join(dir, 'clip.wav');
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1:r=48000', '-c:a', 'pcm_s24le', source]);
  const hub = await buildHub(config, pino({ level: config.logLevel }));
  try {
    await hub.start();
    console.log(`detection bench: ${FILES} small WAVs one at a time, ${config.profile} hub, engines`);
    console.log(`  ${hub.engines.scanning.join(', ')}; stability window ${stabilityMs} ms; in ${dir}`);
    console.log(
      `load average at the start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const news = config.networks.find((n) => n.id === 'news')!.root;
    const broadcast = config.networks.find((n) => n.id === 'broadcast')!.root;
    const seen = new Map<string, { detected?: number; delivered?: number; done: () => void }>();
    const names = new Map<string, string>();
    const assets = new Map<string, string>();
    const consumer = await hub.backbone.consume(
      { groupId: `bench-detection-${process.pid}`, categories: ['asset', 'transfer'], fromBeginning: false },
      async (e) => {
        const data = e.data as { assetId?: string; originalName?: string; transferId?: string };
        if (e.type === 'TransferRequested') assets.set(data.transferId!, data.assetId!);
        const assetId = data.assetId ?? assets.get(data.transferId ?? '');
        const at = Date.parse(e.metadata.occurredAt);
        if (env.MXHUB_BENCH_TRACE) console.log(e.type, JSON.stringify(e.data).slice(0, 200));
        if (e.type === 'AssetDetected' && data.originalName) {
          names.set(data.assetId!, data.originalName);
          const entry = seen.get(data.originalName);
          if (entry) entry.detected = at;
        }
        if (['TransferCompleted', 'TransferFailed', 'AssetQuarantined'].includes(e.type)) {
          const entry = seen.get(names.get(assetId ?? '') ?? '');
          if (entry && e.type === 'TransferCompleted') entry.delivered = at;
          entry?.done();
        }
      },
    );
    const claims: number[] = [];
    const deliveries: number[] = [];
    const copies: number[] = [];
    for (let i = 0; i < FILES; i++) {
      const name = `clip-${i}.wav`;
      const ended = new Promise<void>((resolve) => seen.set(name, { done: resolve }));
      const closed = Date.now();
      await copyFile(source, join(news, 'drop', 'broadcast', name));
      await ended;
      const entry = seen.get(name)!;
      if (entry.detected === undefined || entry.delivered === undefined) {
        throw new Error(`${name} was not delivered: see the hub's events for why`);
      }
      claims.push(entry.detected - closed);
      deliveries.push(entry.delivered - closed);
      copies.push(await timed(() => copyFile(source, join(broadcast, 'inbox', `plain-${i}.wav`))));
    }
    await consumer.stop();
    const row = (label: string, v: number[]) =>
      console.log(`  ${label.padEnd(34)} ${ms(percentile(v, 50))} ${ms(percentile(v, 100))}`);
    console.log('                                        median      max');
    row('close → claimed (AssetDetected)', claims);
    row('close → delivered (TransferCompleted)', deliveries);
    row('baseline: cp into the inbox', copies);
    console.log('ratios (worst file):');
    console.log(
      `  claim / (stability + 0.5 s)             ${(percentile(claims, 100) / (stabilityMs + 500)).toFixed(2)}`,
    );
    console.log(`  delivered / 3 s                         ${(percentile(deliveries, 100) / 3000).toFixed(2)}`);
    console.log(
      `  delivered / cp                          ${(percentile(deliveries, 50) / percentile(copies, 50)).toFixed(0)}`,
    );
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
