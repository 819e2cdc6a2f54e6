import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import { LANES } from '../../events/catalog/common';
import { ConfigError, ValidationError } from '../../lib/errors';
import type { SendInput, SendResult } from '../../services/transfer/routes/schemas';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags } from '../common';
import { parsePriority } from './tasks';

export interface SendFlags extends CommonFlags {
  to?: string;
  force?: boolean;
  priority?: string;
  lane?: string;
}

/** The body of `POST /v1/assets/{id}/transfers` from the flags; refuses what the API would, naming the flag. */
export function sendBody(flags: SendFlags): SendInput {
  if (!flags.to) throw new ValidationError('--to NETWORK is required: the network to send the asset to');
  if (flags.lane !== undefined && !(LANES as readonly string[]).includes(flags.lane)) {
    throw new ValidationError(`--lane must be one of: ${LANES.join(', ')}, got "${flags.lane}"`);
  }
  return {
    network: flags.to,
    ...(flags.priority !== undefined ? { priority: parsePriority(flags.priority) } : {}),
    ...(flags.lane !== undefined ? { lane: flags.lane as SendInput['lane'] } : {}),
    ...(flags.force ? { force: true } : {}),
  };
}

/** What `mxhub send` prints: the transfer, and whether this send made it or found it. */
export function formatSent(assetId: string, network: string, result: Static<typeof SendResult>): string {
  return result.created
    ? `${result.id}: asset ${assetId} queued for ${network}\n`
    : `${result.id}: asset ${assetId} was already sent to ${network}; this is that transfer (--force sends another copy)\n`;
}

export function sendCommand(program: Command): void {
  withCommonFlags(
    program.command('send <asset>').description('send a cleared asset to a network by hand, through the running hub'),
  )
    .option('--to <network>', 'the target network')
    .option('--force', 'send another copy even if the asset was sent to that network before')
    .option('--priority <n>', '1 (highest) to 10 (lowest); default: the sidecar priority, else 5')
    .option('--lane <lane>', `${LANES.join(' or ')}; default: urgent for priority 1 and 2`)
    .action((assetId: string, flags: SendFlags) =>
      run(async () => {
        const body = sendBody(flags);
        // Sending is a command: only the running hub's API may decide it, never a direct write to its store.
        const remote = remoteFor(flags, configFrom(flags));
        if (!remote)
          throw new ConfigError(
            'mxhub send talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token',
          );
        const result = await callHub<Static<typeof SendResult>>(
          remote,
          'POST',
          `/v1/assets/${encodeURIComponent(assetId)}/transfers`,
          body,
        );
        process.stdout.write(formatSent(assetId, body.network, result));
      }),
    );
}
