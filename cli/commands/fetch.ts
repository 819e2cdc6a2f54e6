import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import { Presets, SingleBar } from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import { LANES } from '../../events/catalog/common';
import { ConfigError, HubError, ValidationError } from '../../lib/errors';
import type { FetchAccepted, FetchBody, FetchHeld } from '../../services/store/routes/schemas';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags, type Remote } from '../common';
import { parsePriority } from './tasks';

export interface FetchFlags extends CommonFlags {
  to?: string;
  wait?: boolean;
  priority?: string;
  lane?: string;
}

type Answer = Static<typeof FetchHeld> | Static<typeof FetchAccepted>;
interface TransferView {
  state: string;
  bytesDone: number;
  bytesTotal: number | null;
  error: string | null;
}

/** The body of `POST /v1/assets/{id}/fetch` from the flags; refuses what the API would, naming the flag. */
export function fetchBody(flags: FetchFlags): Static<typeof FetchBody> {
  if (!flags.to) throw new ValidationError('--to NETWORK is required: the network that wants the asset on its node');
  if (flags.lane !== undefined && !(LANES as readonly string[]).includes(flags.lane)) {
    throw new ValidationError(`--lane must be one of: ${LANES.join(', ')}, got "${flags.lane}"`);
  }
  return {
    network: flags.to,
    ...(flags.priority !== undefined ? { priority: parsePriority(flags.priority) } : {}),
    ...(flags.lane !== undefined ? { lane: flags.lane as 'urgent' | 'normal' } : {}),
  };
}

/** What `mxhub fetch` prints first: where the copy is, or which transfer brings it from where. */
export function formatFetched(network: string, answer: Answer): string {
  if ('replica' in answer) return `${network} holds ${answer.replica.path} already (${answer.replica.kind})\n`;
  return `${answer.transferId}: copying from ${answer.source.network} (${answer.source.path}) into ${network}'s cache/\n`;
}

/** Follows the transfer until it settles, with a bar of bytes on a terminal; the exit code says how it ended. */
async function follow(remote: Remote, transferId: string): Promise<number> {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: 'fetch [{bar}] {percentage}% {value}/{total} bytes', stream: process.stderr },
        Presets.shades_classic,
      )
    : undefined;
  let started = false;
  // The transfer service requests the transfer after the fetch is answered: it may take a moment to be listed.
  const listedBy = Date.now() + 30_000;
  for (;;) {
    const t = await callHub<TransferView>(remote, 'GET', `/v1/transfers/${encodeURIComponent(transferId)}`).catch(
      (err: unknown) => {
        if (err instanceof HubError && err.status === 404 && Date.now() < listedBy) return undefined;
        throw err;
      },
    );
    if (!t) {
      await sleep(200);
      continue;
    }
    if (bar && t.bytesTotal) {
      if (!started) bar.start(t.bytesTotal, 0);
      started = true;
      bar.update(t.state === 'succeeded' ? t.bytesTotal : t.bytesDone);
    }
    if (['succeeded', 'failed', 'cancelled'].includes(t.state)) {
      if (started) bar?.stop();
      process.stdout.write(`${transferId}: ${t.state}${t.error ? `: ${t.error}` : ''}\n`);
      return t.state === 'succeeded' ? 0 : 1;
    }
    await sleep(500);
  }
}

export function fetchCommand(program: Command): void {
  withCommonFlags(
    program
      .command('fetch <asset>')
      .description("bring an asset onto a network's node (its cache/) from the nearest copy, through the running hub"),
  )
    .option('--to <network>', 'the network that wants it')
    .option('--wait', 'follow the transfer until it is done, with a progress bar on a terminal')
    .option('--priority <n>', '1 (highest) to 10 (lowest)')
    .option('--lane <lane>', `${LANES.join(' or ')}`)
    .action((assetId: string, flags: FetchFlags) =>
      run(async () => {
        const body = fetchBody(flags);
        const remote = remoteFor(flags, configFrom(flags));
        if (!remote)
          throw new ConfigError(
            'mxhub fetch talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token',
          );
        const answer = await callHub<Answer>(remote, 'POST', `/v1/assets/${encodeURIComponent(assetId)}/fetch`, body);
        process.stdout.write(formatFetched(body.network, answer));
        if ('transferId' in answer && flags.wait) return follow(remote, answer.transferId);
        return 0;
      }),
    );
}
