import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import { ConfigError, ValidationError } from '../../lib/errors';
import type { Paged } from '../../lib/keyset-cursor';
import type {
  BackfillResult,
  SubscriptionAccepted,
  SubscriptionInput,
  SubscriptionJson,
} from '../../services/store/subscriptions/routes/schemas';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags, type Remote } from '../common';
import { plainTable } from '../table';

type Subscription = Static<typeof SubscriptionJson>;

export interface AddFlags extends CommonFlags {
  to?: string;
  from?: string;
  types?: string;
  name?: string;
  sidecar?: string[];
  minDuration?: string;
  maxDuration?: string;
  lane?: string;
  priority?: string;
  disabled?: boolean;
  json?: boolean;
}

interface ListFlags extends CommonFlags {
  network?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/** Subscriptions live in a running hub: the commands go through its API. */
function remote(flags: CommonFlags): Remote {
  const r = remoteFor(flags, configFrom(flags));
  if (!r) {
    throw new ConfigError(
      'mxhub subscriptions talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token',
    );
  }
  return r;
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ValidationError(`${flag}: not a number: "${value}"`);
  return n;
}

/** `add`'s flags as the body of `POST /v1/subscriptions`; the hub checks the rule (globs, fields, networks). */
export function addBody(flags: AddFlags): SubscriptionInput {
  if (!flags.to) throw new ValidationError('--to NETWORK is required: the network that receives the assets');
  const sidecar: Record<string, string> = {};
  for (const item of flags.sidecar ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ValidationError(`--sidecar: give field=value-or-glob, got "${item}"`);
    sidecar[item.slice(0, eq)] = item.slice(eq + 1);
  }
  const match = {
    ...(flags.types ? { types: list(flags.types)!.map((t) => t.replace(/^\./, '').toLowerCase()) } : {}),
    ...(flags.name ? { nameGlob: flags.name } : {}),
    ...(Object.keys(sidecar).length ? { sidecar } : {}),
    ...(flags.minDuration !== undefined ? { minDurationSeconds: number(flags.minDuration, '--min-duration') } : {}),
    ...(flags.maxDuration !== undefined ? { maxDurationSeconds: number(flags.maxDuration, '--max-duration') } : {}),
  };
  const priority = number(flags.priority, '--priority');
  return {
    network: flags.to,
    ...(flags.from ? { from: list(flags.from) } : {}),
    ...(Object.keys(match).length ? { match } : {}),
    ...(flags.lane ? { lane: flags.lane as SubscriptionInput['lane'] } : {}),
    ...(priority !== undefined ? { priority } : {}),
    enabled: !flags.disabled,
  } as SubscriptionInput;
}

/** The rule in one line: `from news; *.wav; types wav,mxf; sidecar category=news*; 10s..600s`. */
export function describeRule(s: Pick<Subscription, 'from' | 'match'>): string {
  const m = s.match ?? {};
  const parts = [
    s.from ? `from ${s.from.join(',')}` : '',
    m.nameGlob ?? '',
    m.types ? `types ${m.types.join(',')}` : '',
    ...Object.entries(m.sidecar ?? {}).map(([k, v]) => `sidecar ${k}=${v}`),
    m.minDurationSeconds !== undefined || m.maxDurationSeconds !== undefined
      ? `${m.minDurationSeconds ?? 0}s..${m.maxDurationSeconds ?? ''}${m.maxDurationSeconds !== undefined ? 's' : ''}`
      : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'every cleared asset';
}

/** The table `mxhub subscriptions list` prints. */
export function formatSubscriptions(items: Subscription[]): string {
  if (items.length === 0) return 'no subscriptions\n';
  const rows = items.map((s) => [
    s.id,
    s.network,
    s.enabled ? 'yes' : 'no',
    describeRule(s),
    [s.lane, s.priority].filter((x) => x !== undefined).join(' ') || '-',
    String(s.matches),
  ]);
  return plainTable(['ID', 'TO', 'ENABLED', 'RULE', 'LANE/PRIORITY', 'MATCHED'], rows);
}

export function subscriptionsCommand(program: Command): void {
  const subs = program
    .command('subscriptions')
    .description('rules by which a network receives cleared assets, through the running hub');
  withCommonFlags(subs.command('list', { isDefault: true }).description('list subscriptions newest first'))
    .option('--network <id>', 'subscriptions of this receiving network')
    .option('--limit <n>', 'at most this many (default 100, at most 1000)')
    .option('--cursor <cursor>', 'the next page, as printed after a full page')
    .option('--json', 'print the API answer as JSON')
    .action((flags: ListFlags) =>
      run(async () => {
        const q = new URLSearchParams(
          Object.entries({ network: flags.network, limit: flags.limit, cursor: flags.cursor }).filter(
            (e): e is [string, string] => e[1] !== undefined,
          ),
        ).toString();
        const page = await callHub<Paged<Subscription>>(remote(flags), 'GET', `/v1/subscriptions${q ? `?${q}` : ''}`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(page)}\n`);
        process.stdout.write(formatSubscriptions(page.items) + (page.next ? `more: --cursor ${page.next}\n` : ''));
      }),
    );
  withCommonFlags(subs.command('add').description('make a subscription (admins)'))
    .option('--to <network>', 'the network that receives the assets')
    .option('--from <networks>', 'only assets of these networks, comma separated')
    .option('--types <exts>', 'only these extensions, comma separated (wav,mxf)')
    .option('--name <glob>', "a glob on the original name, case-insensitive ('*.wav')")
    .option('--sidecar <field=glob>', 'a sidecar field equal to a value or matching a glob (repeatable)', collect, [])
    .option('--min-duration <seconds>', 'only assets at least this long (from the analysis)')
    .option('--max-duration <seconds>', 'only assets at most this long')
    .option('--lane <lane>', 'urgent or normal (default: by priority)')
    .option('--priority <n>', '1 (highest) to 10 (default: the sidecar’s, else 5)')
    .option('--disabled', 'make it disabled')
    .option('--backfill-since <time>', 'also apply it now to assets cleared since this ISO time')
    .option('--json', 'print the API answer as JSON')
    .action((flags: AddFlags & { backfillSince?: string }) =>
      run(async () => {
        const r = remote(flags);
        const made = await callHub<Static<typeof SubscriptionAccepted>>(r, 'POST', '/v1/subscriptions', addBody(flags));
        const backfill = flags.backfillSince
          ? await callHub<Static<typeof BackfillResult>>(r, 'POST', `/v1/subscriptions/${made.id}/backfill`, {
              since: flags.backfillSince,
            })
          : undefined;
        if (flags.json) return void process.stdout.write(`${JSON.stringify({ ...made, backfill })}\n`);
        process.stdout.write(
          `${made.id}: to ${made.network}, ${describeRule(made)}${made.enabled ? '' : ' (disabled)'}\n`,
        );
        if (backfill)
          process.stdout.write(`backfill: ${backfill.matched} of ${backfill.examined} cleared assets matched\n`);
      }),
    );
  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    withCommonFlags(subs.command(`${name} <id>`).description(`${name} a subscription (admins)`)).action(
      (id: string, flags: CommonFlags) =>
        run(async () => {
          const path = `/v1/subscriptions/${encodeURIComponent(id)}`;
          const s = await callHub<Static<typeof SubscriptionAccepted>>(remote(flags), 'PATCH', path, { enabled });
          process.stdout.write(`${s.id}: ${s.enabled ? 'enabled' : 'disabled'} (version ${s.version})\n`);
        }),
    );
  }
  withCommonFlags(
    subs.command('remove <id>').description('remove a subscription; what it sent stays sent (admins)'),
  ).action((id: string, flags: CommonFlags) =>
    run(async () => {
      await callHub(remote(flags), 'DELETE', `/v1/subscriptions/${encodeURIComponent(id)}`);
      process.stdout.write(`${id}: removed\n`);
    }),
  );
  withCommonFlags(
    subs.command('backfill <id>').description('apply a subscription to assets cleared since a time (admins)'),
  )
    .option('--since <time>', 'ISO time: assets cleared at or after it')
    .action((id: string, flags: CommonFlags & { since?: string }) =>
      run(async () => {
        if (!flags.since) throw new ValidationError('--since TIME is required (ISO, e.g. 2026-12-01T00:00:00Z)');
        const path = `/v1/subscriptions/${encodeURIComponent(id)}/backfill`;
        const res = await callHub<Static<typeof BackfillResult>>(remote(flags), 'POST', path, { since: flags.since });
        process.stdout.write(`${id}: ${res.matched} of ${res.examined} cleared assets matched\n`);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
