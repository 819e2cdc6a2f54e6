import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../../gateway/deps';
import { Nullable, READERS, Time } from '../../gateway/schemas';
import type { LinkQueries } from '../links/link-queries';
import type { NominalLink } from '../links/link-stats';

const toMbps = (bytesPerSecond: number) => (bytesPerSecond * 8) / 1_000_000;

export const LinkJson = Type.Object({
  from: Type.String(),
  to: Type.String(),
  nominalMbps: Nullable(Type.Number(), { description: 'configured (links[]); null = unlimited' }),
  measuredMbps: Nullable(Type.Number(), { description: 'EWMA of completed copies; null = never measured' }),
  measuredBytesPerSecond: Nullable(Type.Number()),
  samples: Type.Integer(),
  lastSample: Nullable(Type.Object({ mbps: Type.Number(), bytesPerSecond: Type.Number(), at: Time })),
});

export interface LinkRouteDeps {
  /** Configured network ids: every ordered pair is a link. */
  networks: string[];
  nominal: readonly NominalLink[];
  queries: Pick<LinkQueries, 'measured'>;
}

/** Every link between two networks' nodes: its nominal speed beside what completed copies measured. */
export function linkRoutes(deps: LinkRouteDeps): GatewayRoutes {
  return async (app) => {
    app.get(
      '/links',
      {
        config: { roles: READERS },
        schema: {
          tags: ['store'],
          summary: 'Links between nodes: nominal and measured throughput, samples, last sample',
          response: { 200: Type.Object({ items: Type.Array(LinkJson), next: Type.Null() }) },
        },
      },
      async () => {
        const measured = await deps.queries.measured();
        const items = deps.networks.flatMap((from) =>
          deps.networks
            .filter((to) => to !== from)
            .map((to) => {
              const m = measured.find((l) => l.from === from && l.to === to);
              const n = deps.nominal.find((l) => l.from === from && l.to === to);
              return {
                from,
                to,
                nominalMbps: n?.mbps ?? null,
                measuredMbps: m ? toMbps(m.bytesPerSecond) : null,
                measuredBytesPerSecond: m?.bytesPerSecond ?? null,
                samples: m?.samples ?? 0,
                lastSample: m
                  ? {
                      mbps: toMbps(m.lastSample.bytesPerSecond),
                      bytesPerSecond: m.lastSample.bytesPerSecond,
                      at: m.lastSample.at,
                    }
                  : null,
              };
            }),
        );
        return { items, next: null };
      },
    );
  };
}
