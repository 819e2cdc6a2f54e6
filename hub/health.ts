import type { Backbone } from '../events/backbone/backbone';
import type { Relay } from '../events/backbone/relay';
import type { Sql } from '../lib/db/sql';
import { describeProblems, type NodeLayout } from '../lib/node-layout';
import { pendingMigrations } from '../migrations/run';
import type { CheckResult, HealthSource, Readiness } from '../services/gateway/deps';
import type { ScanEngine } from '../services/screening/engines/scan-engine';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms).unref(),
    ),
  ]);

export interface EnginesHealth {
  engines: ScanEngine[];
  /** Engines left out at start because they were unreachable (embedded profile only). */
  missing: string[];
}

/** Every configured antivirus engine answers; one left out at start is reported, not failed (the start-up log shouts). */
async function checkEngines(screening: EnginesHealth): Promise<CheckResult> {
  const results = await Promise.all(
    screening.engines.map(async (e) => {
      try {
        const v = await withTimeout(e.version(), 3000, e.name);
        return { ok: true, detail: `${e.name} ${v.engineVersion} (${v.signatureVersion})` };
      } catch (err) {
        return { ok: false, detail: `${e.name} unreachable: ${(err as Error).message}` };
      }
    }),
  );
  const missing = screening.missing.map((m) => `${m} NOT SCANNING (unreachable at start)`);
  return { ok: results.every((r) => r.ok), detail: [...results.map((r) => r.detail), ...missing].join('; ') };
}

/** Every node's layout is sound (as last probed by the monitor); an unsound one is named with each path and why. */
function checkNodes(nodes: { all(): Record<string, NodeLayout> }): CheckResult {
  const results = Object.entries(nodes.all());
  const unsound = results.filter(([, r]) => !r.sound);
  if (unsound.length === 0) return { ok: true, detail: `${results.length} sound` };
  return {
    ok: false,
    detail: unsound.map(([id, r]) => `${id} unsound, receives nothing: ${describeProblems(r.problems)}`).join('; '),
  };
}

/**
 * Ready = store reachable, schema current, relay healthy, backbone reachable, antivirus engines answering, nodes
 * sound, checkpoints signed and exported.
 */
export function createHubHealth(deps: {
  sql: Sql;
  relay: Relay;
  backbone: Backbone;
  screening?: EnginesHealth;
  /** The node layout monitor (lib/node-layout.ts). */
  nodes?: { all(): Record<string, NodeLayout> };
  /** The checkpointer: not ok while it refuses to sign (the log changed under its exported checkpoints). */
  integrity?: { status(): CheckResult };
}): HealthSource {
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
      if (deps.screening) checks.antivirus = await checkEngines(deps.screening);
      if (deps.nodes) checks.nodes = checkNodes(deps.nodes);
      if (deps.integrity) checks.integrity = deps.integrity.status();
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}
