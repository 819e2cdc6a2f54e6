import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { HealthSource, Readiness } from '../deps';

const Readiness = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })),
});

// Orchestrators and load balancers probe without credentials; the answers
// carry no data beyond which dependency is down.
const PROBE = 'probed by orchestrators and load balancers, which hold no token';

/**
 * Liveness and readiness. Live answers 200 as long as the process serves
 * HTTP; ready answers 503 while a dependency is not usable, so a load
 * balancer sends no traffic to a hub that cannot do its work.
 */
export const healthRoutes: FastifyPluginAsync<{ health: HealthSource }> = async (app, { health }) => {
  app.get(
    '/health/live',
    {
      config: { public: PROBE },
      schema: {
        tags: ['health'],
        summary: 'The process serves HTTP',
        response: { 200: Type.Object({ live: Type.Boolean() }) },
      },
    },
    async () => ({ live: true }),
  );

  app.get(
    '/health/ready',
    {
      config: { public: PROBE },
      schema: {
        tags: ['health'],
        summary: 'The hub can do its work: store reachable, migrations applied, relay healthy',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      let readiness: Readiness;
      try {
        readiness = await health.ready();
      } catch (err) {
        // A readiness source that throws is itself a failed check, not a 500.
        request.log.error({ err }, 'readiness check threw');
        readiness = { ready: false, checks: { health: { ok: false, detail: 'readiness check failed; see the log' } } };
      }
      return reply.status(readiness.ready ? 200 : 503).send(readiness);
    },
  );
};
