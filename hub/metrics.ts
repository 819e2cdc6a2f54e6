import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Relay } from '../events/backbone/relay';
import type { ProjectionRunner } from '../events/projections';
import type { EventStore } from '../events/store/event-store';
import type { Sql } from '../lib/db/sql';
import { createAssetQueries } from '../services/screening/read-model/queries';
import type { WorkQueue } from '../lib/work-queue/work-queue';

/** The hub's Prometheus registry: process metrics plus backbone gauges computed at scrape time. */
export function createHubMetrics(deps: {
  store: EventStore;
  relay: Relay;
  projections: ProjectionRunner;
  sql: Sql;
  screeningQueue: WorkQueue<unknown>;
}): Registry {
  const registry = new Registry();
  const assets = createAssetQueries(deps.sql);
  collectDefaultMetrics({ register: registry, prefix: 'mxhub_' });
  new Gauge({
    name: 'mxhub_projection_lag_events',
    help: 'Events in the log a projection has not applied yet',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const s of await deps.projections.status()) this.set({ projection: s.name }, s.lagEvents);
    },
  });
  new Gauge({
    name: 'mxhub_projection_lag_seconds',
    help: 'Age of the oldest event a projection has not applied yet',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const s of await deps.projections.status()) this.set({ projection: s.name }, s.lagSeconds);
    },
  });
  new Gauge({
    name: 'mxhub_relay_active',
    help: '1 when this process holds the relay lock and publishes',
    registers: [registry],
    collect() {
      this.set(deps.relay.status().active ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mxhub_store_head_position',
    help: 'Highest readable global position of the event log',
    registers: [registry],
    async collect() {
      this.set(Number(await deps.store.headPosition()));
    },
  });
  new Gauge({
    name: 'mxhub_screening_jobs',
    help: 'Jobs of the screening queue by state (this process sees the whole BullMQ queue; in-process, its own)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await deps.screeningQueue.counts();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'mxhub_assets',
    help: 'Assets by state, from the assets read model',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      for (const [state, n] of Object.entries(await assets.countByState())) this.set({ state }, n);
    },
  });
  return registry;
}
