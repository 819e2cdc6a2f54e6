import type { Command } from 'commander';
import { loadPublicKey, loadSigningKey } from '../../events/integrity/keys';
import { verifyLog, type VerifyReport } from '../../events/integrity/verify';
import { progressBar } from '../progress';
import { run, viaHubOrStore, withCommonFlags, type CommonFlags } from '../common';

function print(report: VerifyReport, json: boolean | undefined): number {
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else if (report.ok) {
    process.stdout.write(
      `log verified: ${report.events} events in ${report.streams} streams, ${report.checkpoints} signed checkpoints hold\n`,
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
    .action((flags: CommonFlags & { publicKey?: string }) =>
      run(async () => {
        const report = await viaHubOrStore<VerifyReport>(
          flags,
          { method: 'POST', path: '/v1/log/verify' },
          async (storage, config) => {
            const key = flags.publicKey
              ? loadPublicKey(flags.publicKey)
              : loadSigningKey(config.checkpoints.keyFile, false);
            const bar = progressBar('verifying', !flags.json);
            const result = await verifyLog(storage.sql, key, bar.update);
            bar.stop();
            return result;
          },
        );
        return print(report, flags.json);
      }),
    );
}
