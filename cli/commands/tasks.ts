import type { Command } from 'commander';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import prettyBytes from 'pretty-bytes';
import prettyMs from 'pretty-ms';
import type { Static } from '@sinclair/typebox';
import { ConfigError, ValidationError } from '../../lib/errors';
import type { TransferListItem, TransferPage } from '../../services/transfer/routes/schemas';
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

/** The table `mxhub tasks list` prints: one row per task. */
export function formatTasks(tasks: Task[]): string {
  if (tasks.length === 0) return 'no tasks\n';
  const header = ['ID', 'STATE', 'LANE', 'PRI', 'TARGET', 'SIZE', 'DONE', 'RATE', 'TIME', 'TRIES', 'STEP', 'ERROR'];
  const rows = tasks.map((t) => [
    t.id,
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

/** Progress bars of the running tasks on stderr, refreshed every second until none runs or Ctrl-C. */
async function watch(r: Remote): Promise<number> {
  const tty = process.stderr.isTTY;
  const bars = new MultiBar(
    {
      format: '{id} {lane} [{bar}] {percentage}% {done}/{size} {rate} eta {eta_text}',
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const shown = new Map<string, SingleBar>();
  let stop = false;
  const interrupt = () => void (stop = true);
  process.once('SIGINT', interrupt);
  try {
    while (!stop) {
      const { items } = await callHub<TaskPage>(r, 'GET', '/v1/transfers?state=running&limit=1000');
      if (items.length === 0) {
        if (shown.size === 0) process.stderr.write('no task is running\n');
        break;
      }
      for (const t of items) {
        const payload = {
          id: t.id,
          lane: t.lane,
          done: formatBytes(t.bytesDone),
          size: formatBytes(t.bytesTotal),
          rate: t.bytesPerSecond === null ? '-' : `${formatBytes(t.bytesPerSecond)}/s`,
          eta_text: formatDuration(t.etaSeconds),
        };
        if (!tty) {
          process.stderr.write(`${progressLine(t)}\n`);
          continue;
        }
        const bar = shown.get(t.id);
        if (bar) bar.update(t.bytesDone, payload);
        else shown.set(t.id, bars.create(t.bytesTotal ?? 0, t.bytesDone, payload));
      }
      // A task that finished since the last refresh leaves the board.
      for (const [id, bar] of shown) {
        if (!items.some((t) => t.id === id)) {
          bars.remove(bar);
          shown.delete(id);
        }
      }
      await sleep(1000);
    }
  } finally {
    process.off('SIGINT', interrupt);
    bars.stop();
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
        const page = await callHub<TaskPage>(remote(flags), 'GET', `/v1/transfers${listQuery(flags)}`);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(page)}\n`);
        process.stdout.write(formatTasks(page.items));
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
    tasks.command('watch').description('progress bars of running tasks, until none runs or Ctrl-C'),
  ).action((flags: CommonFlags) => run(() => watch(remote(flags))));
}
