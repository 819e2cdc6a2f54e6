import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import pino from 'pino';
import prettyBytes from 'pretty-bytes';
import { ConfigError } from '../../lib/errors';
import type { HubConfig } from '../../hub/config';
import { dropFolder, scanMedium, type ScanProgress, type ScanReport } from '../../services/screening/scan-media/scan';
import { createScreeningToolkit } from '../../services/screening/toolkit';
import { configFrom, run, type CommonFlags } from '../common';

interface ScanMediaFlags extends CommonFlags {
  network: string;
  target?: string;
  ingest?: boolean;
  concurrency?: string;
}

// Binary units: media cards and disks are sized in them.
const size = (bytes: number) => prettyBytes(bytes, { binary: true });

/** Network, target and concurrency from the flags, checked against the configuration. */
function resolveRoute(flags: ScanMediaFlags, config: HubConfig) {
  const ids = config.networks.map((n) => n.id);
  const network = config.networks.find((n) => n.id === flags.network);
  if (!network)
    throw new ConfigError(`--network '${flags.network}' is not a configured network; known: ${ids.join(', ')}`);
  const others = ids.filter((id) => id !== network.id);
  const target = flags.target ?? others[0];
  if (!target || !others.includes(target))
    throw new ConfigError(
      `--target '${flags.target ?? ''}' must be another configured network than '${network.id}': ${others.join(', ') || 'none'}`,
    );
  const concurrency = flags.concurrency === undefined ? config.screening.concurrency : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError(`--concurrency must be an integer of 1 or more, got "${flags.concurrency}"`);
  return { network, target, concurrency };
}

/** Files and bytes on stderr when it is a terminal; nothing otherwise, so pipes and logs stay clean. */
function scanProgressBar() {
  if (!process.stderr.isTTY) return { update: (_d: ScanProgress, _t: ScanProgress) => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: 'scanning [{bar}] {value}/{total} files, {doneBytes} of {totalBytes}', stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: ScanProgress, total: ScanProgress) {
      const payload = { doneBytes: size(done.bytes), totalBytes: size(total.bytes) };
      if (!started) bar.start(total.files, done.files, payload);
      else bar.update(done.files, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function printHuman(report: ScanReport, missing: string[]): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const c = report.counts;
  out(`scanned ${report.root} for ${report.network} -> ${report.target}: ${c.files} files, ${size(c.bytes)}`);
  out(`  cleared ${c.cleared}, refused ${c.refused}, unavailable ${c.unavailable}`);
  if (missing.length > 0) out(`  WARNING: engines not scanning (unreachable): ${missing.join(', ')}`);
  const refused = report.results.filter((r) => r.verdict.outcome === 'refused');
  if (refused.length > 0) out('refused:');
  for (const r of refused)
    if (r.verdict.outcome === 'refused')
      out(`  ${r.path}: stage ${r.verdict.stage}, rule ${r.verdict.rule}: ${r.verdict.reason}`);
  const unavailable = report.results.filter((r) => r.verdict.outcome === 'unavailable');
  if (unavailable.length > 0) out('not cleared (could not be screened):');
  for (const r of unavailable)
    if (r.verdict.outcome === 'unavailable')
      out(`  ${r.path}: ${r.verdict.stage ? `stage ${r.verdict.stage}: ` : ''}${r.verdict.reason}`);
  if (report.skipped.length > 0) out('skipped, not screened:');
  for (const s of report.skipped) out(`  ${s.relPath} (${s.reason})`);
  if (c.ingested > 0 || c.ingestFailed > 0) out(`ingested ${c.ingested} file(s), ${c.ingestFailed} not delivered`);
  for (const r of report.results.filter((x) => x.ingestError)) out(`  ${r.path}: ${r.ingestError}`);
}

export function scanMediaCommand(program: Command): void {
  program
    .command('scan-media')
    .description('screen every file of a mounted card, disk or USB stick; --ingest hands the cleared ones to the hub')
    .argument('<path>', 'mount point of the medium (or one file)')
    .requiredOption('--network <id>', 'network the medium is read on (the files come from it)')
    .option('--target <id>', 'network the files are screened for (default: the first other configured network)')
    .option('--ingest', 'copy cleared files (and their sidecars) into <network root>/drop/<target>/')
    .option('--json', 'print the report as JSON')
    .option('--concurrency <n>', 'files screened at once (default: screening.concurrency)')
    .option('--config <file>', 'JSON config file')
    .option('--data <dir>', 'data directory (where network roots default to)')
    .action((path: string, flags: ScanMediaFlags) =>
      run(async () => {
        const config = configFrom(flags);
        const { network, target, concurrency } = resolveRoute(flags, config);
        // Logs go to stderr: stdout carries the report (and must stay valid JSON with --json).
        const logger = pino(
          { level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'mxhub' } },
          pino.destination(2),
        );
        const toolkit = await createScreeningToolkit(config.screening, { profile: config.profile, logger });
        const bar = scanProgressBar();
        try {
          const report = await scanMedium({
            root: path,
            route: { network: network.id, target },
            stages: toolkit.stages,
            concurrency,
            onProgress: bar.update,
            ...(flags.ingest ? { ingestInto: dropFolder(network.root, target) } : {}),
          });
          bar.stop();
          if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, missingEngines: toolkit.missing })}\n`);
          else printHuman(report, toolkit.missing);
          const c = report.counts;
          return c.refused === 0 && c.unavailable === 0 && c.ingestFailed === 0 ? 0 : 1;
        } finally {
          bar.stop();
          await toolkit.close();
        }
      }),
    );
}
