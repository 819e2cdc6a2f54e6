import fp from 'fastify-plugin';
import { Histogram, type Registry } from 'prom-client';

export const HTTP_DURATION = 'mxhub_http_request_duration_seconds';

type Labels = 'route' | 'method' | 'status';

/** The histogram of a registry, created once: two gateways (tests) may share one registry. */
function histogramIn(registry: Registry): Histogram<Labels> {
  const existing = registry.getSingleMetric(HTTP_DURATION);
  if (existing) return existing as Histogram<Labels>;
  return new Histogram({
    name: HTTP_DURATION,
    help: 'Time from request received to response sent, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/**
 * Times every response. The route label is the route template
 * (`/v1/streams/:id`), never the raw URL: raw URLs would mint one time
 * series per stream id and exhaust Prometheus.
 */
export const httpMetrics = fp<{ registry: Registry }>(
  async (app, { registry }) => {
    const histogram = histogramIn(registry);
    app.addHook('onResponse', async (request, reply) => {
      histogram.observe(
        { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: 'mxhub-http-metrics', fastify: '5.x' },
);
