import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * Prometheus exposition of the hub's registry. Unauthenticated by decision:
 * Prometheus scrapes without a bearer token in most deployments, and the
 * figures (rates, lags, durations) carry no media or event data. Expose the
 * port only on the operations network if even that is too much.
 */
export const metricsRoute: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      config: { public: 'scraped by Prometheus, which holds no token; figures only, no event data' },
      schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)' },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};
