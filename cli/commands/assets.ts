import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import { ConfigError, NotFoundError, ValidationError } from '../../lib/errors';
import type { Paged } from '../../lib/keyset-cursor';
import type {
  AssetDetail,
  AssetListItem,
  QuarantinedAsset,
  Released,
  ReleaseInput,
  TimelineEntry,
  WaitingDrop,
} from '../../services/screening/routes/schemas';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags, type Remote } from '../common';
import { plainTable } from '../table';
import { formatBytes } from './tasks';

type Asset = Static<typeof AssetListItem>;
type Detail = Static<typeof AssetDetail>;
type Drop = Static<typeof WaitingDrop>;
type Quarantined = Static<typeof QuarantinedAsset>;
type Entry = Static<typeof TimelineEntry>;

interface PageFlags extends CommonFlags {
  limit?: string;
  cursor?: string;
}
interface ListFlags extends PageFlags {
  state?: string;
  network?: string;
  target?: string;
  search?: string;
  heldIn?: string;
  type?: string;
  program?: string;
  from?: string;
  to?: string;
  oldest?: boolean;
}

/** A field of an open JSON object (a verdict, the quarantine facts) as text; '' when absent. */
function text(o: object | null, key: string): string {
  const v: unknown = o ? new Map(Object.entries(o)).get(key) : undefined;
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}
const joined = (o: object, keys: string[]) =>
  keys
    .map((k) => text(o, k))
    .filter(Boolean)
    .join(': ');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Assets live in a running hub's read models: the commands go through its API. */
function remote(flags: CommonFlags, command: string): Remote {
  const r = remoteFor(flags, configFrom(flags));
  if (!r)
    throw new ConfigError(
      `mxhub ${command} talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token`,
    );
  return r;
}

function query(values: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The table `mxhub assets list` prints, then the files still in drop folders (detected, not yet claimed). */
export function formatAssets(assets: Asset[], drops: Drop[] = []): string {
  const rows = assets.map((a) => [
    a.assetId,
    a.state,
    a.originalName ?? '-',
    a.sourceNetwork ?? '-',
    a.targets.join(','),
    formatBytes(a.sizeBytes),
    a.createdAt,
  ]);
  let out = rows.length ? plainTable(['ID', 'STATE', 'NAME', 'FROM', 'TO', 'SIZE', 'CREATED'], rows) : 'no assets\n';
  if (drops.length) out += `\nin drop folders, not claimed yet:\n${formatDrops(drops)}`;
  return out;
}

/** Files seen and not claimed: settling, or waiting for their sidecar until a time. */
export function formatDrops(drops: Drop[]): string {
  const waiting = (d: Drop) =>
    d.waitingForSidecarUntil ? `waiting for sidecar until ${d.waitingForSidecarUntil}` : 'settling (size and mtime)';
  return plainTable(
    ['STATE', 'NAME', 'FROM', 'TO', 'SIZE', 'WAITING'],
    drops.map((d) => [d.state, d.name, d.network, d.target, formatBytes(d.sizeBytes), waiting(d)]),
  );
}

/** `mxhub assets show`: the asset, its verdicts, its transfers, its timeline. */
export function formatAsset(a: Detail, timeline: Entry[]): string {
  const lines: Array<[string, string]> = [
    ['id', a.assetId],
    ['name', a.originalName ?? '-'],
    ['state', a.state],
    ['from', a.sourceNetwork ?? '-'],
    ['to', a.targets.join(', ')],
    ['size', formatBytes(a.sizeBytes)],
    ['sha256', a.sha256 ?? '-'],
    ['created', a.createdAt],
  ];
  if (a.quarantine) lines.push(['quarantine', joined(a.quarantine, ['stage', 'rule', 'reason'])]);
  if (a.deferred) lines.push(['deferred', joined(a.deferred, ['stage', 'reason'])]);
  // A target's policy refusing the format is not a quarantine: the asset still goes to its other targets.
  for (const r of a.refused) lines.push(['refused', `${r.target}: ${r.rule} (${r.reason})`]);
  for (const r of a.renditions) lines.push(['rendition', `${r.target}: ${r.profile}`]);
  const width = Math.max(...lines.map(([k]) => k.length));
  let out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
  if (a.verdicts.length) {
    const verdicts = a.verdicts.map((v) => [
      text(v, 'stage'),
      text(v, 'passed') === 'true' ? 'passed' : 'refused',
      text(v, 'rule'),
      text(v, 'reason'),
    ]);
    out += `\nverdicts:\n${plainTable(['STAGE', 'VERDICT', 'RULE', 'REASON'], verdicts)}`;
  }
  if (a.transfers.length) {
    const transfers = a.transfers.map((t) => [t.transferId, t.targetNetwork, t.state, t.path ?? '-']);
    out += `\ntransfers:\n${plainTable(['TRANSFER', 'TARGET', 'STATE', 'DELIVERED TO'], transfers)}`;
  }
  if (timeline.length) {
    const events = timeline.map((e) => [e.occurredAt, e.streamId, e.summary, e.actor]);
    out += `\ntimeline:\n${plainTable(['TIME', 'STREAM', 'EVENT', 'ACTOR'], events)}`;
  }
  return out;
}

/** The table `mxhub quarantine` prints. */
export function formatQuarantine(items: Quarantined[]): string {
  if (items.length === 0) return 'nothing in quarantine\n';
  const rows = items.map((q) => [
    q.assetId,
    q.originalName ?? '-',
    q.sourceNetwork ?? '-',
    q.targets.join(','),
    q.stage ?? '-',
    q.rule ?? '-',
    q.reason ?? '',
  ]);
  return plainTable(['ID', 'NAME', 'FROM', 'TO', 'STAGE', 'RULE', 'REASON'], rows);
}

/** An asset id, or the newest asset of that file name (the first 1000 assets are searched). */
async function resolveAsset(r: Remote, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const page = await callHub<Paged<Asset>>(r, 'GET', '/v1/assets?limit=1000');
  const found = page.items.find((a) => a.originalName === idOrName);
  if (!found) throw new NotFoundError(`no asset is named "${idOrName}" (give its id, or see mxhub assets list)`);
  return found.assetId;
}

/** `release --rescreen|--override --reason`: the body of `POST /v1/assets/{id}/release`. */
export function releaseBody(flags: { rescreen?: boolean; override?: boolean; reason?: string }): ReleaseInput {
  if (Boolean(flags.rescreen) === Boolean(flags.override))
    throw new ValidationError('give one of --rescreen (run every stage again) or --override (clear as it is, admins)');
  if (!flags.reason)
    throw new ValidationError('--reason TEXT is required: why the asset is released (kept in the log)');
  return { mode: flags.rescreen ? 'rescreen' : 'override', reason: flags.reason };
}

const page = (flags: PageFlags) => ({ limit: flags.limit, cursor: flags.cursor });

/**
 * The catalog query of `mxhub assets list` (GET /v1/assets): the flags under the API's own names, so the hub's
 * validation names what is wrong (`querystring/type must be ...`).
 */
export function listQuery(flags: ListFlags): string {
  return query({
    q: flags.search,
    state: flags.state,
    sourceNetwork: flags.network,
    target: flags.target,
    network: flags.heldIn,
    type: flags.type,
    program: flags.program,
    from: flags.from,
    to: flags.to,
    sort: flags.oldest ? 'oldest' : undefined,
    ...page(flags),
  });
}

/** Whether the list is a plain first page of the newest, which also shows the drops not claimed yet. */
const plainList = (flags: ListFlags) =>
  !flags.cursor &&
  (!flags.state || flags.state === 'detected') &&
  [flags.search, flags.heldIn, flags.type, flags.program, flags.from, flags.to, flags.oldest].every((f) => !f);
const more = (next: string | null) => (next ? `more: --cursor ${next}\n` : '');

export function assetsCommand(program: Command): void {
  const assets = program.command('assets').description('assets through the running hub: state, verdicts, transfers');
  withCommonFlags(
    assets.command('list', { isDefault: true }).description('list assets newest first, then drops not yet claimed'),
  )
    .option(
      '--state <state>',
      'detected, ingested, screening, cleared, quarantined, delivered, partially-delivered, ...',
    )
    .option('--network <id>', 'assets dropped on this network')
    .option('--target <id>', 'assets sent to this network')
    .option('-s, --search <words>', 'catalog search: each word a substring of the name, sidecar or technical metadata')
    .option('--held-in <id>', 'assets held in this network (dropped there, or a copy there)')
    .option('--type <type>', 'video, audio, image or other (from deep analysis)')
    .option('--program <name>', 'the programme, as the tree names it')
    .option('--from <time>', 'detected at or after (ISO-8601 date or time)')
    .option('--to <time>', 'detected before (ISO-8601 date or time)')
    .option('--oldest', 'oldest first')
    .option('--limit <n>', 'at most this many (default 100, at most 1000)')
    .option('--cursor <cursor>', 'the next page, as printed after a full page')
    .option('--json', 'print the API answer as JSON')
    .action((flags: ListFlags) =>
      run(async () => {
        const r = remote(flags, 'assets');
        const list = await callHub<Paged<Asset>>(r, 'GET', `/v1/assets${listQuery(flags)}`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(list)}\n`);
        const drops = plainList(flags)
          ? (await callHub<Paged<Drop>>(r, 'GET', `/v1/drops${query({ network: flags.network })}`)).items
          : [];
        process.stdout.write(formatAssets(list.items, drops) + more(list.next));
      }),
    );
  withCommonFlags(assets.command('show <id-or-name>').description('one asset: state, verdicts, transfers and timeline'))
    .option('--json', 'print the API answers as JSON')
    .action((idOrName: string, flags: CommonFlags) =>
      run(async () => {
        const r = remote(flags, 'assets');
        const id = encodeURIComponent(await resolveAsset(r, idOrName));
        const asset = await callHub<Detail>(r, 'GET', `/v1/assets/${id}`);
        const timeline = await callHub<Paged<Entry>>(r, 'GET', `/v1/assets/${id}/timeline?limit=1000`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify({ ...asset, timeline: timeline.items })}\n`);
        process.stdout.write(formatAsset(asset, timeline.items));
      }),
    );
}

export function quarantineCommand(program: Command): void {
  withCommonFlags(program.command('quarantine').description('refused assets with the stage, rule and reason'))
    .option('--limit <n>', 'at most this many (default 100, at most 1000)')
    .option('--cursor <cursor>', 'the next page, as printed after a full page')
    .option('--json', 'print the API answer as JSON')
    .action((flags: PageFlags) =>
      run(async () => {
        const list = await callHub<Paged<Quarantined>>(
          remote(flags, 'quarantine'),
          'GET',
          `/v1/quarantine${query(page(flags))}`,
        );
        if (flags.json) return void process.stdout.write(`${JSON.stringify(list)}\n`);
        process.stdout.write(formatQuarantine(list.items) + more(list.next));
      }),
    );
}

export function releaseCommand(program: Command): void {
  withCommonFlags(
    program.command('release <id>').description('release a quarantined asset: rescreen it, or clear it as it is'),
  )
    .option('--rescreen', 'run every stage again (operators, admins)')
    .option('--override', 'clear the asset as it is, recorded (admins)')
    .option('--reason <text>', 'why (kept in the event log)')
    .action((id: string, flags: CommonFlags & { rescreen?: boolean; override?: boolean; reason?: string }) =>
      run(async () => {
        const body = releaseBody(flags);
        const path = `/v1/assets/${encodeURIComponent(id)}/release`;
        const result = await callHub<Static<typeof Released>>(remote(flags, 'release'), 'POST', path, body);
        process.stdout.write(`${id}: ${result.outcome} (version ${result.version})\n`);
      }),
    );
}
