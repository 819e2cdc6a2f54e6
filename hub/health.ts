import type { Backbone } from '../events/backbone/backbone';
import type { Relay } from '../events/backbone/relay';
import type { Sql } from '../lib/db/sql';
import { pendingMigrations } from '../migrations/run';
import type { HealthSource, Readiness } from '../services/gateway/deps';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Ready = store reachable, schema current, relay healthy, backbone reachable. */
export function createHubHealth(deps: { sql: Sql; relay: Relay; backbone: Backbone }): HealthSource {
  let migrationsCurrent = false;
  return {
    async ready(): Promise<Readiness> {
      const checks: Readiness['checks'] = {};
      try {
        await withTimeout(deps.sql.query('select 1'), 2000, 'the event store');
        checks.store = { ok: true, detail: deps.sql.kind };
      } catch (err) {
        checks.store = { ok: false, detail: (err as Error).message };
      }
      if (checks.store.ok && !migrationsCurrent) {
        try {
          const pending = await pendingMigrations(deps.sql);
          migrationsCurrent = pending.length === 0;
          checks.migrations = migrationsCurrent
            ? { ok: true }
            : { ok: false, detail: `pending: ${pending.join(', ')}` };
        } catch (err) {
          checks.migrations = { ok: false, detail: (err as Error).message };
        }
      } else {
        checks.migrations = { ok: migrationsCurrent };
      }
      const relay = deps.relay.status();
      checks.relay = relay.healthy
        ? { ok: true, detail: `${relay.active ? 'active' : 'standby'} at ${relay.position}` }
        : { ok: false, detail: relay.lastError ?? 'unhealthy' };
      const backboneOk = await withTimeout(deps.backbone.healthy(), 3000, 'the backbone').catch(() => false);
      checks.backbone = { ok: backboneOk, detail: deps.backbone.kind };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}
