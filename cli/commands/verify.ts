import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { readAnchors } from '../../events/integrity/anchors';
import { loadPublicKey, loadSigningKey } from '../../events/integrity/keys';
import { verifyLog, type VerifyReport } from '../../events/integrity/verify';
import { ConfigError } from '../../lib/errors';
import { VERIFY_BODY_LIMIT } from '../../services/audit/routes';
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

/** JSON escaping adds some 5% to an anchors file (quotes and line ends): a margin under the hub's body limit. */
const MAX_SENT = Math.floor(VERIFY_BODY_LIMIT * 0.9);

/** The anchors file's text for the running hub. */
function anchorsToSend(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (Buffer.byteLength(text) > MAX_SENT) {
    throw new ConfigError(
      `--anchors ${file} is too large to send to the running hub (${MAX_SENT} bytes at most): stop the hub, and mxhub verify opens the store itself`,
    );
  }
  return text;
}

export function verifyCommand(program: Command): void {
  withCommonFlags(
    program
      .command('verify')
      .description(
        'check every hash chain and signed checkpoint, and the database against the exported checkpoints; exit 1 naming the first problem',
      ),
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
            return anchorsFile ? { anchors: anchorsToSend(anchorsFile) } : undefined;
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
