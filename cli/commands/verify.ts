import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { readAnchors } from '../../events/integrity/anchors';
import { loadPublicKey, loadSigningKey } from '../../events/integrity/keys';
import { verifyLog, type VerifyReport } from '../../events/integrity/verify';
import { ConfigError } from '../../lib/errors';
import { progressBar } from '../progress';
import { run, viaHubOrStore, withCommonFlags, type CommonFlags } from '../common';

function print(report: VerifyReport, json: boolean | undefined): number {
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else if (report.ok) {
    const anchors =
      report.anchors === null
        ? 'no exported checkpoints to compare with'
        : `all ${report.anchors} exported checkpoints are in the database`;
    process.stdout.write(
      `log verified: ${report.events} events in ${report.streams} streams, ${report.checkpoints} signed checkpoints hold, ${anchors}\n`,
    );
  } else {
    const p = report.firstProblem!;
    const who = p.eventId
      ? `event ${p.eventId} (stream ${p.streamId}, version ${p.version}, position ${p.position})`
      : `position ${p.position}`;
    process.stdout.write(`log BROKEN: first problem at ${who}: ${p.what}\n`);
    for (const other of report.problems.slice(1))
      process.stdout.write(`  also: position ${other.position}: ${other.what}\n`);
  }
  return report.ok ? 0 : 1;
}

export function verifyCommand(program: Command): void {
  withCommonFlags(
    program
      .command('verify')
      .description('check every hash chain and signed checkpoint; exit 1 naming the first broken event'),
  )
    .option('--json', 'print the report as JSON')
    .option(
      '--public-key <file>',
      'verify checkpoints with this Ed25519 public key (PEM) instead of the hub’s key file',
    )
    .option(
      '--anchors <file>',
      'hold the database to these exported checkpoints (default: checkpoints.exportFile, DIR/checkpoints.jsonl, when it exists)',
    )
    .action((flags: CommonFlags & { publicKey?: string; anchors?: string }) =>
      run(async () => {
        const anchorsFile = flags.anchors;
        if (anchorsFile && !existsSync(anchorsFile)) throw new ConfigError(`--anchors ${anchorsFile} does not exist`);
        const api = {
          method: 'POST' as const,
          path: '/v1/log/verify',
          // A getter: the file is read only when the command goes through the hub (which reads its own file otherwise).
          get body() {
            return anchorsFile ? { anchors: readFileSync(anchorsFile, 'utf8') } : undefined;
          },
        };
        const report = await viaHubOrStore<VerifyReport>(flags, api, async (storage, config) => {
          const key = flags.publicKey
            ? loadPublicKey(flags.publicKey)
            : loadSigningKey(config.checkpoints.keyFile, false);
          const file = anchorsFile ?? config.checkpoints.exportFile;
          const bar = progressBar('verifying', !flags.json);
          const result = await verifyLog(storage.sql, key, {
            onProgress: bar.update,
            anchors: existsSync(file) ? readAnchors(file) : undefined,
            intervalMs: config.checkpoints.intervalMs,
          });
          bar.stop();
          return result;
        });
        return print(report, flags.json);
      }),
    );
}
