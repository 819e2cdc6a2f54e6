import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NetworkId } from '../../events/catalog/common';
import { NotFoundError } from '../../lib/errors';
import type { GatewayRoutes } from '../gateway/deps';
import { commandMetadata } from '../gateway/plugins/correlation';
import { ErrorResponse } from '../gateway/schemas';
import type { TransferCommands } from './commands';
import type { Lane } from './domain/transfer';
import type { ProgressBoard, TransferProgress } from './progress';
import { MAX_PAGE } from '../../lib/keyset-cursor';
import type { TransferItem, TransferQueries } from './read-model/queries';

export interface TransferRouteDeps {
  queries: TransferQueries;
  commands: Pick<
    TransferCommands,
    'reprioritize' | 'pause' | 'resume' | 'cancel' | 'retry' | 'send' | 'setNetwork' | 'configureLane'
  >;
  progress: Pick<ProgressBoard, 'read'>;
  /** This process's lanes: channels running and how many are busy now. */
  lanes: () => Record<Lane, { channels: number; busy: number }>;
  /** The channels per lane this process applies (its defaults until an admin sets a figure). */
  controls: { channels(): Record<Lane, number> };
  /** Configured network ids. */
  networks: string[];
}

const LANES: readonly Lane[] = ['urgent', 'normal'];
const STATES = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Id = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' });
const LaneName = Type.Union(LANES.map((l) => Type.Literal(l)));
const Priority = Type.Integer({ minimum: 1, maximum: 10, description: '1 is the highest' });
// One schema with two types rather than a union: fastify's ajv coerces, and
// in a union with null it would turn 0 into null (unlimited) instead of refusing it.
const Mbps = Type.Unsafe<number | null>({
  type: ['number', 'null'],
  exclusiveMinimum: 0,
  description: 'megabits per second; null = unlimited',
});
const Reason = Type.String({ minLength: 1, maxLength: 2000, description: 'Why: kept in the event log' });

const TransferParams = Type.Object({ id: { ...Id, description: 'The transfer id' } });
type TransferParams = Static<typeof TransferParams>;
const AssetParams = Type.Object({ assetId: { ...Id, description: 'The asset id (a UUIDv7)' } });
type AssetParams = Static<typeof AssetParams>;
const LaneParams = Type.Object({ name: Type.String({ pattern: '^[a-z]{1,20}$', description: 'urgent or normal' }) });
type LaneParams = Static<typeof LaneParams>;
const NetworkParams = Type.Object({ id: NetworkId });
type NetworkParams = Static<typeof NetworkParams>;

const TransfersQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))),
    lane: Type.Optional(LaneName),
    network: Type.Optional({ ...NetworkId, description: 'Transfers into this network' }),
    assetId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{1,400}$', description: 'The `next` of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
type TransfersQuery = Static<typeof TransfersQuery>;

const live = 'live from the progress board while running';
const ItemFields = {
  id: Type.String(),
  assetId: Type.String(),
  sourceNetwork: Nullable(Type.String()),
  targetNetwork: Type.String(),
  state: Type.String(),
  lane: Type.String(),
  priority: Type.Integer(),
  step: Nullable(Type.String({ description: 'The last saga step recorded' })),
  bytesTotal: Nullable(Type.Integer()),
  bytesDone: Type.Integer({ description: `Bytes copied; ${live}` }),
  attempts: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why the last attempt failed, or why it was cancelled' })),
  requestedBy: Nullable(Type.String()),
  lastActor: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  path: Nullable(Type.String({ description: 'Where the copy was delivered' })),
  createdAt: Time,
  updatedAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  durationMs: Nullable(Type.Integer()),
  bytesPerSecond: Nullable(Type.Number({ description: `Average rate once succeeded; ${live}` })),
  etaSeconds: Nullable(Type.Number({ description: `Seconds left at the current rate; ${live}` })),
  version: Type.Integer({ description: 'Version of the transfer stream the row reflects' }),
};
const TransferListItem = Type.Object(ItemFields, { title: 'TransferListItem' });
const TransferDetail = Type.Object({ ...ItemFields, sha256: Nullable(Type.String()) }, { title: 'Transfer' });

const Accepted = Type.Object({
  id: Type.String(),
  version: Type.Integer({ description: 'Version of the transfer stream after the command' }),
});
const ReasonBody = Nullable(Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }));
type ReasonBody = Static<typeof ReasonBody>;
const EmptyBody = Nullable(Type.Object({}, { additionalProperties: false }));
type EmptyBody = Static<typeof EmptyBody>;

const ReprioritizeBody = Type.Object(
  { priority: Type.Optional(Priority), lane: Type.Optional(LaneName) },
  { additionalProperties: false },
);
type ReprioritizeBody = Static<typeof ReprioritizeBody>;

const LaneJson = Type.Object(
  {
    name: Type.String(),
    channels: Type.Integer({ description: 'Channels per hub process: the admin figure, else the configured one' }),
    busy: Type.Integer({ description: 'Channels of this process copying now' }),
    bandwidthMbps: Mbps,
  },
  { title: 'Lane' },
);
const LaneBody = Type.Object(
  { channels: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })), bandwidthMbps: Type.Optional(Mbps) },
  { additionalProperties: false },
);
type LaneBody = Static<typeof LaneBody>;

const NetworkJson = Type.Object(
  { id: Type.String(), paused: Type.Boolean(), reason: Nullable(Type.String()), bandwidthMbps: Mbps },
  { title: 'Network' },
);
const NetworkBody = Type.Object(
  { paused: Type.Optional(Type.Boolean()), reason: Type.Optional(Reason), bandwidthMbps: Type.Optional(Mbps) },
  { additionalProperties: false },
);
type NetworkBody = Static<typeof NetworkBody>;

const SendBody = Type.Object(
  {
    network: { ...NetworkId, description: 'The target network' },
    lane: Type.Optional(LaneName),
    priority: Type.Optional(Priority),
    force: Type.Optional(Type.Boolean({ description: 'Send another copy even if one was sent before' })),
  },
  { additionalProperties: false },
);
type SendBody = Static<typeof SendBody>;
const SendResult = Type.Object({
  id: Type.String({ description: 'The transfer id' }),
  created: Type.Boolean({ description: 'false: the asset was sent to that network before; this is that transfer' }),
});

const READERS = ['admin', 'operator', 'auditor', 'viewer'] as const;
const CHANGERS = ['admin', 'operator'] as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse };
const commandErrors = { ...errors, 403: ErrorResponse, 409: ErrorResponse };

/** The item with live figures of a running copy merged in; others get no ETA. */
function withProgress<T extends TransferItem>(
  t: T,
  p: TransferProgress | undefined,
): T & { etaSeconds: number | null } {
  if (t.state !== 'running' || !p) return { ...t, etaSeconds: null };
  const total = p.bytesTotal || t.bytesTotal || 0;
  const left = Math.max(0, total - p.bytesDone);
  return {
    ...t,
    bytesDone: p.bytesDone,
    bytesPerSecond: p.bytesPerSecond,
    channel: p.channel || t.channel,
    etaSeconds: p.bytesPerSecond > 0 ? Math.ceil(left / p.bytesPerSecond) : null,
  };
}

function checkLane(name: string): Lane {
  if (!LANES.includes(name as Lane)) throw new NotFoundError(`lane '${name}' does not exist (lanes: urgent, normal)`);
  return name as Lane;
}

/**
 * Transfers, lanes and networks: reads from the transfers and controls read
 * models (which may lag the log by the projection's delay) with live
 * progress from the board, and the admin commands, which decide on the
 * streams themselves.
 */
export function createTransferRoutes(deps: TransferRouteDeps): GatewayRoutes {
  const { queries, commands, progress } = deps;

  async function lane(name: Lane, rows?: Awaited<ReturnType<TransferQueries['lanes']>>) {
    const row = (rows ?? (await queries.lanes())).find((r) => r.lane === name);
    return {
      name,
      channels: row?.channels ?? deps.controls.channels()[name],
      busy: deps.lanes()[name].busy,
      bandwidthMbps: row?.bandwidthMbps ?? null,
    };
  }

  async function networks() {
    const rows = await queries.networks();
    return deps.networks.map((id) => {
      const row = rows.find((r) => r.network === id);
      return {
        id,
        paused: row?.paused ?? false,
        reason: row?.reason ?? null,
        bandwidthMbps: row?.bandwidthMbps ?? null,
      };
    });
  }

  return async (app) => {
    app.get<{ Querystring: TransfersQuery }>(
      '/transfers',
      {
        config: { roles: READERS },
        schema: {
          tags: ['transfers'],
          summary: 'List transfers newest first; finished ones stay listed for the configured history days',
          querystring: TransfersQuery,
          response: {
            200: Type.Object({
              items: Type.Array(TransferListItem),
              next: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const page = await queries.list(request.query);
        const running = page.items.filter((t) => t.state === 'running').map((t) => t.id);
        const board = await progress.read(running);
        return { items: page.items.map((t) => withProgress(t, board[t.id])), next: page.next };
      },
    );

    app.get<{ Params: TransferParams }>(
      '/transfers/:id',
      {
        config: { roles: READERS },
        schema: {
          tags: ['transfers'],
          summary: 'One transfer: saga step, attempts, bytes done, rate and ETA while running, history once finished',
          params: TransferParams,
          response: { 200: TransferDetail, ...errors },
        },
      },
      async (request) => {
        const t = await queries.get(request.params.id);
        const board = t.state === 'running' ? await progress.read([t.id]) : {};
        return withProgress(t, board[t.id]);
      },
    );

    app.patch<{ Params: TransferParams; Body: ReprioritizeBody }>(
      '/transfers/:id',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary: 'Move a waiting transfer to another lane and/or priority',
          params: TransferParams,
          body: ReprioritizeBody,
          response: { 200: Accepted, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const result = await commands.reprioritize(id, request.body, commandMetadata(request));
        return { id, version: result.version };
      },
    );

    const verbs = { pause: commands.pause, cancel: commands.cancel, retry: commands.retry };
    const summaries = {
      pause: 'Pause a queued or running transfer; a running copy stops at a chunk boundary and frees its channel',
      cancel: 'Cancel a transfer that has not succeeded; what it had done is undone',
      retry: 'Queue a failed transfer again',
    };
    for (const verb of ['pause', 'cancel', 'retry'] as const) {
      app.post<{ Params: TransferParams; Body: ReasonBody }>(
        `/transfers/:id/${verb}`,
        {
          config: { roles: CHANGERS },
          schema: {
            tags: ['transfers'],
            summary: summaries[verb],
            params: TransferParams,
            body: ReasonBody,
            response: { 202: Accepted, ...commandErrors },
          },
        },
        async (request, reply) => {
          const { id } = request.params;
          const result = await verbs[verb](id, request.body?.reason, commandMetadata(request));
          return reply.status(202).send({ id, version: result.version });
        },
      );
    }

    // TransferResumed carries no reason, so resume takes no body rather than dropping one.
    app.post<{ Params: TransferParams; Body: EmptyBody }>(
      '/transfers/:id/resume',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary: 'Queue a paused transfer again',
          params: TransferParams,
          body: EmptyBody,
          response: { 202: Accepted, ...commandErrors },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const result = await commands.resume(id, commandMetadata(request));
        return reply.status(202).send({ id, version: result.version });
      },
    );

    app.post<{ Params: AssetParams; Body: SendBody }>(
      '/assets/:assetId/transfers',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['transfers'],
          summary: 'Send a cleared asset to a network by hand; a repeat answers the existing transfer unless forced',
          params: AssetParams,
          body: SendBody,
          response: { 200: SendResult, 201: SendResult, ...commandErrors },
        },
      },
      async (request, reply) => {
        const result = await commands.send(request.params.assetId, request.body, commandMetadata(request));
        return reply.status(result.created ? 201 : 200).send({ id: result.transferId, created: result.created });
      },
    );

    app.get(
      '/lanes',
      {
        config: { roles: READERS },
        schema: {
          tags: ['lanes'],
          summary: 'Both lanes: channels per process, busy channels of this process, bandwidth',
          response: { 200: Type.Object({ items: Type.Array(LaneJson) }) },
        },
      },
      async () => {
        const rows = await queries.lanes();
        return { items: await Promise.all(LANES.map((l) => lane(l, rows))) };
      },
    );

    app.get<{ Params: LaneParams }>(
      '/lanes/:name',
      {
        config: { roles: READERS },
        schema: {
          tags: ['lanes'],
          summary: 'One lane: channels per process, busy channels of this process, bandwidth',
          params: LaneParams,
          response: { 200: LaneJson, ...errors },
        },
      },
      async (request) => lane(checkLane(request.params.name)),
    );

    app.patch<{ Params: LaneParams; Body: LaneBody }>(
      '/lanes/:name',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['lanes'],
          summary: 'Set a lane’s channels per process and/or bandwidth (null = unlimited); every process applies it',
          params: LaneParams,
          body: LaneBody,
          response: { 200: LaneJson, ...commandErrors },
        },
      },
      async (request) => {
        const name = checkLane(request.params.name);
        const before = await lane(name);
        await commands.configureLane(name, request.body, commandMetadata(request));
        // The read model catches up within the projection's delay; answer with the lane as it will be.
        return { ...before, ...request.body };
      },
    );

    app.get(
      '/networks',
      {
        config: { roles: READERS },
        schema: {
          tags: ['networks'],
          summary: 'Configured networks: paused or not, bandwidth allocated to transfers into each',
          response: { 200: Type.Object({ items: Type.Array(NetworkJson) }) },
        },
      },
      async () => ({ items: await networks() }),
    );

    app.patch<{ Params: NetworkParams; Body: NetworkBody }>(
      '/networks/:id',
      {
        config: { roles: CHANGERS },
        schema: {
          tags: ['networks'],
          summary: 'Pause or resume a network (its transfers stay queued) and/or set its bandwidth',
          params: NetworkParams,
          body: NetworkBody,
          response: { 200: NetworkJson, ...commandErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { paused, reason, bandwidthMbps } = request.body;
        await commands.setNetwork(id, request.body, commandMetadata(request));
        const before = (await networks()).find((n) => n.id === id)!;
        return {
          id,
          paused: paused ?? before.paused,
          reason: paused === undefined ? before.reason : paused ? (reason ?? null) : null,
          bandwidthMbps: bandwidthMbps === undefined ? before.bandwidthMbps : bandwidthMbps,
        };
      },
    );
  };
}
