import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import prettyBytes from 'pretty-bytes';
import prettyMs from 'pretty-ms';
import type { Static } from '@sinclair/typebox';
import { ConfigError, ValidationError } from '../../lib/errors';
import { retryDelayMs } from '../../services/transfer/domain/retry';
import type { LaneJson, NetworkJson, TransferListItem, TransferPage } from '../../services/transfer/routes/schemas';
import { callHub, configFrom, remoteFor, run, withCommonFlags, type CommonFlags, type Remote } from '../common';
import { plainTable } from '../table';

/** A transfer as `GET /v1/transfers` lists it: the fields this command shows, typed from the route's schema. */
export type Task = Pick<
  Static<typeof TransferListItem>,
  | 'id'
  | 'assetId'
  | 'targetNetwork'
  | 'state'
  | 'lane'
  | 'priority'
  | 'step'
  | 'bytesTotal'
  | 'bytesDone'
  | 'attempts'
  | 'error'
  | 'durationMs'
  | 'bytesPerSecond'
  | 'etaSeconds'
  | 'createdAt'
>;

type TaskPage = Static<typeof TransferPage>;

interface ListFlags extends CommonFlags {
  state?: string;
  lane?: string;
  network?: string;
  asset?: string;
  limit?: string;
  cursor?: string;
}

/** Decimal units, as network rates and disk sizes are quoted. */
export const formatBytes = (n: number | null): string => (n === null ? '-' : prettyBytes(n));

export const formatDuration = (seconds: number | null): string =>
  seconds === null ? '-' : prettyMs(seconds * 1000, { secondsDecimalDigits: 0, unitCount: 2 });

const percent = (t: Task) => (t.bytesTotal ? `${Math.floor((100 * t.bytesDone) / t.bytesTotal)}%` : '-');

/** Time column: ETA while running, duration once succeeded. */
const timing = (t: Task) =>
  t.state === 'running'
    ? `eta ${formatDuration(t.etaSeconds)}`
    : t.durationMs !== null
      ? `took ${formatDuration(t.durationMs / 1000)}`
      : '-';

/** The table `mxhub tasks list` prints: one row per task; with `names`, each task's file name and asset id too. */
export function formatTasks(tasks: Task[], names?: ReadonlyMap<string, string>): string {
  if (tasks.length === 0) return 'no tasks\n';
  const header = [
    'ID',
    ...(names ? ['FILE', 'ASSET'] : []),
    ...['STATE', 'LANE', 'PRI', 'TARGET', 'SIZE', 'DONE', 'RATE', 'TIME', 'TRIES', 'STEP', 'ERROR'],
  ];
  const rows = tasks.map((t) => [
    t.id,
    ...(names ? [names.get(t.assetId) ?? '-', t.assetId] : []),
    t.state,
    t.lane,
    String(t.priority),
    t.targetNetwork,
    formatBytes(t.bytesTotal),
    percent(t),
    t.bytesPerSecond === null ? '-' : `${formatBytes(t.bytesPerSecond)}/s`,
    timing(t),
    String(t.attempts),
    t.step ?? '-',
    t.error ?? '',
  ]);
  return plainTable(header, rows);
}

/** One line per running task for `watch` when stderr is not a terminal (logs, pipes). */
export function progressLine(t: Task): string {
  const rate = t.bytesPerSecond === null ? '-' : `${formatBytes(t.bytesPerSecond)}/s`;
  return `${t.id} ${t.lane} ${percent(t)} ${formatBytes(t.bytesDone)}/${formatBytes(t.bytesTotal)} ${rate} eta ${formatDuration(t.etaSeconds)}`;
}

/** The query string of a listing, from the flags that were given. */
export function listQuery(flags: ListFlags): string {
  const q = new URLSearchParams();
  if (flags.state) q.set('state', flags.state);
  if (flags.lane) q.set('lane', flags.lane);
  if (flags.network) q.set('network', flags.network);
  if (flags.asset) q.set('assetId', flags.asset);
  if (flags.limit) q.set('limit', flags.limit);
  if (flags.cursor) q.set('cursor', flags.cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** `--priority` as the API takes it: a whole number from 1 (highest) to 10. */
export function parsePriority(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10) {
    throw new ValidationError(`--priority must be a whole number from 1 (highest) to 10, got "${value}"`);
  }
  return n;
}

/** Tasks exist only in a running hub's API: no direct store access, which would bypass its commands. */
function remote(flags: CommonFlags): Remote {
  const r = remoteFor(flags, configFrom(flags));
  if (!r) {
    throw new ConfigError(
      'mxhub tasks talks to a running hub: start it (mxhub start --data DIR) or pass --url and --token',
    );
  }
  return r;
}

/** A task as `watch` shows it: also when it last changed (a back-off runs from its last failure). */
export type WatchedTask = Task & Pick<Static<typeof TransferListItem>, 'updatedAt'>;

/** What a waiting task waits for: the controls and lanes as the hub answers them. */
export interface WaitContext {
  networks: Array<Static<typeof NetworkJson>>;
  lanes: Array<Static<typeof LaneJson>>;
}

/** Why a task that is not running is not: a paused network, a pause, a back-off, or a full lane. */
export function waitingReason(t: WatchedTask, ctx: WaitContext): string {
  if (t.state === 'paused') return 'paused by an operator';
  const network = ctx.networks.find((n) => n.id === t.targetNetwork);
  if (network?.paused) return `network ${t.targetNetwork} paused${network.reason ? `: ${network.reason}` : ''}`;
  // A queued task with an error is one the saga failed and will try again after its back-off.
  if (t.error && t.attempts > 0) {
    const until = new Date(Date.parse(t.updatedAt) + retryDelayMs(t.attempts)).toISOString();
    return `backing off until ${until} (attempt ${t.attempts}: ${t.error})`;
  }
  const lane = ctx.lanes.find((l) => l.name === t.lane);
  if (lane && lane.channels === 0) return `lane ${t.lane} has no channels`;
  return lane
    ? `lane full: waiting for a ${t.lane} channel (${lane.busy} of ${lane.channels} busy in this process)`
    : `waiting for a ${t.lane} channel`;
}

const bar = (t: Task, width = 20) => {
  const done = t.bytesTotal ? Math.min(width, Math.floor((width * t.bytesDone) / t.bytesTotal)) : 0;
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${percent(t)}`;
};

/**
 * The board `mxhub tasks watch` shows: running tasks with their progress,
 * then queued and paused ones with what they wait for, each with its file
 * name and asset id.
 */
export function formatBoard(tasks: WatchedTask[], names: ReadonlyMap<string, string>, ctx: WaitContext): string {
  if (tasks.length === 0) return 'no task is running, queued or paused\n';
  const order = { running: 0, queued: 1, paused: 2 } as Record<string, number>;
  const sorted = [...tasks].sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3));
  const rows = sorted.map((t) => [
    t.id,
    names.get(t.assetId) ?? '-',
    t.assetId,
    t.state,
    t.lane,
    String(t.priority),
    t.targetNetwork,
    ...(t.state === 'running'
      ? [
          bar(t),
          `${t.bytesPerSecond === null ? '-' : `${formatBytes(t.bytesPerSecond)}/s`} eta ${formatDuration(t.etaSeconds)}`,
        ]
      : [percent(t), waitingReason(t, ctx)]),
  ]);
  return plainTable(['ID', 'FILE', 'ASSET', 'STATE', 'LANE', 'PRI', 'TARGET', 'PROGRESS', 'RATE / WAITING FOR'], rows);
}

/** The file name of each task's asset, asked once per asset (`GET /v1/assets/{id}`); '-' when unknown. */
export async function assetNames(
  r: Remote,
  tasks: Task[],
  known = new Map<string, string>(),
): Promise<Map<string, string>> {
  const missing = [...new Set(tasks.map((t) => t.assetId))].filter((id) => !known.has(id));
  await Promise.all(
    missing.map(async (id) => {
      const asset = await callHub<{ originalName: string | null }>(
        r,
        'GET',
        `/v1/assets/${encodeURIComponent(id)}`,
      ).catch(() => ({ originalName: null }));
      known.set(id, asset.originalName ?? '-');
    }),
  );
  return known;
}

/**
 * Lines for a log or a pipe (no terminal to redraw): each running task's
 * progress at every refresh, and a waiting task's reason only when it is new
 * or changed, so a long wait is one line, not one a second.
 */
export function logLines(
  tasks: WatchedTask[],
  names: ReadonlyMap<string, string>,
  ctx: WaitContext,
  said: Map<string, string>,
): string[] {
  const lines: string[] = [];
  // The empty board is said once too, under a key no task id has.
  if (tasks.length === 0) {
    if (!said.has('')) lines.push('no task is running, queued or paused');
    said.set('', '');
    return lines;
  }
  said.delete('');
  for (const t of tasks) {
    const name = names.get(t.assetId) ?? '-';
    if (t.state === 'running') {
      said.delete(t.id);
      lines.push(`${progressLine(t)} ${name} ${t.assetId}`);
      continue;
    }
    const reason = `${t.state}: ${waitingReason(t, ctx)}`;
    if (said.get(t.id) !== reason) lines.push(`${t.id} ${t.lane} ${name} ${t.assetId} ${reason}`);
    said.set(t.id, reason);
  }
  return lines;
}

/** The live board of unfinished tasks, refreshed every second until Ctrl-C (redrawn in place on a terminal). */
async function watch(r: Remote, flags: { asset?: string }): Promise<number> {
  const tty = process.stdout.isTTY;
  const names = new Map<string, string>();
  const said = new Map<string, string>();
  const asset = flags.asset ? `&assetId=${encodeURIComponent(flags.asset)}` : '';
  let stop = false;
  const interrupt = () => void (stop = true);
  process.once('SIGINT', interrupt);
  try {
    while (!stop) {
      const pages = await Promise.all(
        ['running', 'queued', 'paused'].map((state) =>
          callHub<{ items: WatchedTask[] }>(r, 'GET', `/v1/transfers?state=${state}&limit=1000${asset}`),
        ),
      );
      const tasks = pages.flatMap((p) => p.items);
      const [networks, lanes] = await Promise.all([
        callHub<{ items: WaitContext['networks'] }>(r, 'GET', '/v1/networks'),
        callHub<{ items: WaitContext['lanes'] }>(r, 'GET', '/v1/lanes'),
      ]);
      const ctx = { networks: networks.items, lanes: lanes.items };
      await assetNames(r, tasks, names);
      if (tty) {
        const board = formatBoard(tasks, names, ctx);
        process.stdout.write(`\x1b[H\x1b[2J${new Date().toISOString()}  (Ctrl-C to stop)\n${board}`);
      } else {
        for (const line of logLines(tasks, names, ctx, said)) process.stdout.write(`${line}\n`);
      }
      await sleep(1000);
    }
  } finally {
    process.off('SIGINT', interrupt);
  }
  return 0;
}

export function tasksCommand(program: Command): void {
  const tasks = program.command('tasks').description('view and control transfer tasks through the running hub');

  withCommonFlags(tasks.command('list', { isDefault: true }).description('list tasks, newest first'))
    .option('--state <state>', 'queued, running, paused, succeeded, failed or cancelled')
    .option('--lane <lane>', 'urgent or normal')
    .option('--network <id>', 'tasks into this network')
    .option('--asset <id>', 'tasks of this asset')
    .option('--limit <n>', 'at most this many (default 100, at most 1000)')
    .option('--cursor <cursor>', 'the next page, as printed after a full page')
    .option('--json', 'print the API answer as JSON')
    .action((flags: ListFlags) =>
      run(async () => {
        const r = remote(flags);
        const page = await callHub<TaskPage>(r, 'GET', `/v1/transfers${listQuery(flags)}`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(page)}\n`);
        process.stdout.write(formatTasks(page.items, await assetNames(r, page.items)));
        if (page.next) process.stdout.write(`more: --cursor ${page.next}\n`);
      }),
    );

  withCommonFlags(tasks.command('reprioritize <id>').description('move a waiting task to another priority or lane'))
    .option('--priority <n>', '1 (highest) to 10')
    .option('--lane <lane>', 'urgent or normal')
    .action((id: string, flags: CommonFlags & { priority?: string; lane?: string }) =>
      run(async () => {
        if (flags.priority === undefined && flags.lane === undefined) {
          throw new ValidationError('give --priority and/or --lane');
        }
        const body = {
          ...(flags.priority !== undefined ? { priority: parsePriority(flags.priority) } : {}),
          ...(flags.lane !== undefined ? { lane: flags.lane } : {}),
        };
        const result = await callHub<{ version: number }>(
          remote(flags),
          'PATCH',
          `/v1/transfers/${encodeURIComponent(id)}`,
          body,
        );
        process.stdout.write(`${id}: reprioritized (version ${result.version})\n`);
      }),
    );

  const verbs = {
    pause: 'pause a queued or running task (a running copy stops at a chunk boundary)',
    resume: 'queue a paused task again',
    cancel: 'cancel a task; what it had done is undone',
    retry: 'queue a failed or cancelled task again (a cancelled one once its copy is undone; it starts over)',
  } as const;
  for (const [verb, description] of Object.entries(verbs) as Array<[keyof typeof verbs, string]>) {
    const cmd = withCommonFlags(tasks.command(`${verb} <id>`).description(description));
    // TransferResumed carries no reason, so resume takes none.
    if (verb !== 'resume') cmd.option('--reason <text>', 'why (kept in the event log)');
    cmd.action((id: string, flags: CommonFlags & { reason?: string }) =>
      run(async () => {
        const body = flags.reason ? { reason: flags.reason } : undefined;
        const path = `/v1/transfers/${encodeURIComponent(id)}/${verb}`;
        const result = await callHub<{ version: number }>(remote(flags), 'POST', path, body);
        process.stdout.write(`${id}: ${verb} accepted (version ${result.version})\n`);
      }),
    );
  }

  withCommonFlags(
    tasks
      .command('watch')
      .description('running tasks with progress, queued and paused ones with what they wait for, until Ctrl-C'),
  )
    .option('--asset <id>', 'tasks of this asset')
    .action((flags: CommonFlags & { asset?: string }) => run(() => watch(remote(flags), flags)));
}
