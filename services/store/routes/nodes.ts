import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { Nullable, READERS, Time } from '../../gateway/schemas';
import type { NodeLayoutMonitor } from '../../../lib/node-layout';
import { describeProblems } from '../../../lib/node-layout';
import type { NodeQueries } from '../nodes/node-queries';
import { nodeSpace } from '../nodes/probe';

const Usage = Type.Object({ count: Type.Integer(), bytes: Type.Integer() });

export const NodeJson = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unknown')]),
  reason: Nullable(Type.String()),
  lastProbeAt: Nullable(Time),
  capacityBytes: Nullable(Type.Integer()),
  usedBytes: Nullable(Type.Integer()),
  freeBytes: Nullable(Type.Integer()),
  usedPercent: Nullable(Type.Number()),
  highWatermark: Type.Number(),
  lowWatermark: Type.Number(),
  replicas: Type.Object({ origin: Usage, delivered: Usage, cached: Usage }),
});

export interface NodeRouteDeps {
  networks: Array<{ id: string; root: string; capacity?: { highWatermark: number; lowWatermark: number } }>;
  monitor: Pick<NodeLayoutMonitor, 'status' | 'probedAt'>;
  queries: NodeQueries;
}

/**
 * Every network's node: up or down by its last probe, space by statfs now
 * (down: unknown), and what the replica catalog says it holds per kind.
 */
export function nodeRoutes(deps: NodeRouteDeps): GatewayRoutes {
  return async (app) => {
    app.get(
      '/nodes',
      {
        config: { roles: READERS },
        schema: {
          tags: ['store'],
          summary: 'Storage nodes: state, space, replicas and bytes by kind',
          response: { 200: Type.Object({ items: Type.Array(NodeJson), next: Type.Null() }) },
        },
      },
      async () => {
        const usage = await deps.queries.usage();
        const items = await Promise.all(
          deps.networks.map(async (n) => {
            const layout = deps.monitor.status(n.id);
            const up = layout?.sound === true;
            const space = up ? await nodeSpace(n.root).catch(() => undefined) : undefined;
            return {
              id: n.id,
              state: layout === undefined ? ('unknown' as const) : up ? ('up' as const) : ('down' as const),
              reason: layout && !layout.sound ? describeProblems(layout.problems) : null,
              lastProbeAt: deps.monitor.probedAt(n.id)?.toISOString() ?? null,
              capacityBytes: space?.capacityBytes ?? null,
              usedBytes: space?.usedBytes ?? null,
              freeBytes: space?.freeBytes ?? null,
              usedPercent: space && space.capacityBytes > 0 ? (100 * space.usedBytes) / space.capacityBytes : null,
              highWatermark: n.capacity?.highWatermark ?? 90,
              lowWatermark: n.capacity?.lowWatermark ?? 80,
              replicas: usage.get(n.id) ?? deps.queries.emptyUsage(),
            };
          }),
        );
        return { items, next: null };
      },
    );
  };
}
