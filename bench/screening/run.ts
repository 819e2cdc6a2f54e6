// Screening throughput: the hub's stage pipeline (whitelist, intrusion,
// antivirus with clamd and YARA-X, analysis, as `mxhub scan-media` runs
// them, walk and SHA-256 included) against the two engines driven directly,
// on the same kind of files in the same run, at the same concurrency; then
// the time to scan a generated card of a few large clips.
//
//   node bin/run-ts.js bench/screening/run.ts        (npm run bench:screening)
//
// Environment: MXHUB_BENCH_SMALL_FILES (400), MXHUB_BENCH_LARGE_MIB
// (64,128,192,256: one MXF clip per size), MXHUB_BENCH_CARD_BYTES (2 GiB),
// MXHUB_BENCH_CONCURRENCY (16), CLAMD_PORT (13310). Needs clamd
// (`bash ops/clamav/start.sh`) and ffmpeg.
//
// Every timed phase gets its own freshly generated corpus: clamd caches the
// digest of every clean file, so a file scanned a second time costs little
// more than its transfer, and whichever side went second would win.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../hub/config';
import type { ScanEngine } from '../../services/screening/engines/scan-engine';
import { mapWithLimit } from '../../services/screening/scan-media/pool';
import { scanMedium, type ScanReport } from '../../services/screening/scan-media/scan';
import type { ScreeningStages } from '../../services/screening/stages';
import { createScreeningToolkit } from '../../services/screening/toolkit';
import { mixedCorpus, p2Card, type MixedCorpus } from './corpus';

const env = process.env;
const SMALL = Number(env.MXHUB_BENCH_SMALL_FILES ?? 400);
const LARGE_MIB = (env.MXHUB_BENCH_LARGE_MIB ?? '64,128,192,256').split(',').map(Number);
const CARD_BYTES = Number(env.MXHUB_BENCH_CARD_BYTES ?? 2 * 1024 ** 3);
const CONCURRENCY = Number(env.MXHUB_BENCH_CONCURRENCY ?? 16);
const CLAMD_PORT = Number(env.CLAMD_PORT ?? 13310);

interface Timing {
  name: string;
  files: number;
  bytes: number;
  ms: number;
}

const line = (t: Timing) =>
  `${t.name.padEnd(34)} ${(t.ms / 1000).toFixed(2).padStart(7)} s ${((t.files / t.ms) * 1000).toFixed(1).padStart(8)} files/s ${(t.bytes / 1e6 / (t.ms / 1000)).toFixed(1).padStart(7)} MB/s`;

async function timeEngines(name: string, corpus: MixedCorpus, engines: ScanEngine[]): Promise<Timing> {
  const started = performance.now();
  const verdicts = await mapWithLimit(corpus.files, CONCURRENCY, (file) =>
    Promise.all(engines.map((e) => e.scanFile(file))),
  );
  const ms = performance.now() - started;
  const notClean = verdicts.flat().filter((v) => v.outcome !== 'clean');
  if (notClean.length > 0) throw new Error(`${name}: ${notClean.length} verdicts not clean: ${notClean[0]?.reason}`);
  return { name, files: corpus.files.length, bytes: corpus.bytes, ms };
}

/** Stages that add up the time spent in each (summed over concurrent files, so it can exceed wall time). */
function timedStages(stages: ScreeningStages) {
  const spent: Record<string, number> = {};
  const timed: ScreeningStages = {
    async run(stage, subject) {
      const t = performance.now();
      try {
        return await stages.run(stage, subject);
      } finally {
        spent[stage] = (spent[stage] ?? 0) + performance.now() - t;
      }
    },
  };
  return { timed, spent };
}

async function timeHub(name: string, root: string, base: ScreeningStages) {
  const { timed: stages, spent } = timedStages(base);
  const started = performance.now();
  const report: ScanReport = await scanMedium({
    root,
    route: { network: 'news', target: 'broadcast' },
    stages,
    concurrency: CONCURRENCY,
  });
  const ms = performance.now() - started;
  const c = report.counts;
  if (c.cleared !== c.files) {
    const bad = report.results.find((r) => r.verdict.outcome !== 'passed');
    throw new Error(
      `${name}: ${c.files - c.cleared} files not cleared, e.g. ${bad?.path}: ${JSON.stringify(bad?.verdict)}`,
    );
  }
  const split = Object.entries(spent).map(([stage, t]) => `${stage} ${(t / 1000).toFixed(1)} s`);
  process.stdout.write(`  stage time summed over files: ${split.join(', ')}\n`);
  return { name, files: c.files, bytes: c.bytes, ms };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'mxhub-bench-screening-'));
  // The production profile: the bench refuses to run on YARA-X alone.
  const settings = {
    ...loadConfig({ env: {} }).screening,
    concurrency: CONCURRENCY,
    clamd: { host: '127.0.0.1', port: CLAMD_PORT },
  };
  const toolkit = await createScreeningToolkit(settings, { profile: 'production', logger: pino({ level: 'warn' }) });
  const [clamd, yara] = [
    toolkit.engines.find((e) => e.name === 'clamav')!,
    toolkit.engines.find((e) => e.name === 'yara-x')!,
  ];
  try {
    process.stdout.write(
      `screening bench: ${SMALL} WAV files of 4-64 KiB + MXF clips of ${LARGE_MIB.join(', ')} MiB per corpus, concurrency ${CONCURRENCY}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})\n`,
    );
    const make = (name: string) => mixedCorpus(join(work, name), SMALL, LARGE_MIB);
    const corpora = { both: await make('raw-both'), hub: await make('hub'), clamd: await make('raw-clamd') };
    process.stdout.write(
      `corpus: ${corpora.hub.files.length} files, ${(corpora.hub.bytes / 1e6).toFixed(0)} MB each\n\n`,
    );
    // Engines on a warm clamd before anything is timed (first-connection and JIT costs), on a throwaway file set.
    const warm = await mixedCorpus(join(work, 'warm-up'), 16, []);
    await timeEngines('warm-up', warm, [clamd, yara]);

    const rawBoth = await timeEngines('raw: clamd + YARA-X per file', corpora.both, [clamd, yara]);
    process.stdout.write(`${line(rawBoth)}\n`);
    const hub = await timeHub('hub: scan-media, every stage', corpora.hub.dir, toolkit.stages);
    process.stdout.write(`${line(hub)}\n`);
    const rawClamd = await timeEngines('raw: clamd INSTREAM alone', corpora.clamd, [clamd]);
    process.stdout.write(`${line(rawClamd)}\n`);
    // YARA-X keeps no cache, so it reuses a corpus.
    const rawYara = await timeEngines('raw: YARA-X alone', corpora.both, [yara]);
    process.stdout.write(`${line(rawYara)}\n`);
    process.stdout.write(`ratio raw (clamd + YARA-X) time / hub time: ${(rawBoth.ms / hub.ms).toFixed(2)}\n\n`);
    for (const c of Object.values(corpora)) await rm(c.dir, { recursive: true, force: true });

    const card = join(work, 'card');
    const genStarted = performance.now();
    await p2Card(card, CARD_BYTES);
    process.stdout.write(`P2-like card generated in ${((performance.now() - genStarted) / 1000).toFixed(0)} s\n`);
    const cardTiming = await timeHub(
      `card ${(CARD_BYTES / 1024 ** 3).toFixed(2)} GiB: scan-media`,
      card,
      toolkit.stages,
    );
    process.stdout.write(`${line(cardTiming)}\n`);
  } finally {
    await toolkit.close();
    await rm(work, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench/screening: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
