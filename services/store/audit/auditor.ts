import { mkdir, rename } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Logger } from 'pino';
import { stamp } from '../../../events/stamp';
import type { EventStore } from '../../../events/store/event-store';
import { uuidv7 } from '../../../lib/ids';
import type { ReplicaQueries } from '../read-model/queries';
import { auditEvent, corruptPlace, isDue, type Finding, type InboxUse } from './fixity';
import { pacedSha256, type Pacer } from './paced-hash';
import { isEvent } from '../../../events/catalog/stored';
import { NodeAuditFinished } from '../../../events/catalog/node-events';
import { emptyReport, finishedRecord, recordOutcome, reportFromRecord, type AuditReport } from './report';

export interface AuditorDeps {
  store: EventStore;
  queries: Pick<ReplicaQueries, 'replicasOnNode'>;
  /** Each node: its root, and what its systems do with delivered files (`inbox`, default `kept`). */
  networks: ReadonlyArray<{ id: string; root: string; inbox?: InboxUse }>;
  /** A node that is down is not audited: what it holds cannot be told from what it lost. */
  isUp: (network: string) => boolean;
  /**
   * Probes the node now (the layout monitor's `check`): asked before a file is
   * said missing, so a node that went down since its last probe (a mount gone)
   * stops the audit instead of marking everything on it missing.
   */
  confirmUp?: (network: string) => Promise<boolean>;
  pacer: Pacer;
  logger: Pick<Logger, 'warn' | 'info'>;
  clock?: () => Date;
}

export interface AuditorOptions {
  /** A replica is due again this long after its last verification. */
  intervalHours: number;
  /** Replicas looked at per node and round (oldest verification first). @default 1000 */
  batch?: number;
}

const errno = (err: unknown) => (err as { code?: string } | null)?.code ?? String(err);

/** Makes `parts` one by one under `root`, never `root` itself (a vanished mount is not made again). */
async function mkdirUnder(root: string, parts: string[]): Promise<string> {
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    await mkdir(dir).catch((err: unknown) => {
      if (errno(err) !== 'EEXIST') throw err;
    });
  }
  return dir;
}

/**
 * The fixity audit: re-hashes the replicas a node holds (oldest verification
 * first, at the pacer's speed) and says what it found on each asset's stream
 * (`ReplicaVerified`, `ReplicaMissing`, `ReplicaCorrupt`). A corrupt file is
 * moved aside under the node's `.mxhub/corrupt/` before the event, never
 * deleted, so a repair writes a fresh file and the bad one stays for study.
 * One audit per node at a time in this process.
 */
export function createAuditor(deps: AuditorDeps, options: AuditorOptions) {
  const clock = deps.clock ?? (() => new Date());
  const roots = new Map(deps.networks.map((n) => [n.id, n.root]));
  const inboxes = new Map(deps.networks.map((n) => [n.id, n.inbox ?? 'kept']));
  const running = new Map<string, Promise<AuditReport>>();
  const reports = new Map<string, AuditReport>();

  async function moveAside(root: string, path: string, assetId: string, at: Date): Promise<string | undefined> {
    const rel = relative(root, path);
    // Only what is inside the node is moved; a path elsewhere is reported where it is.
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
    const place = corruptPlace({ assetId, path }, at);
    const dir = await mkdirUnder(root, place.slice(0, -1));
    const to = join(dir, place.at(-1)!);
    await rename(path, to);
    return to;
  }

  async function auditNode(
    network: string,
    trigger: { actor: string; correlationId: string; all: boolean },
  ): Promise<AuditReport> {
    const root = roots.get(network)!;
    const report = emptyReport(uuidv7(clock().getTime()), network, trigger.all ? 'request' : 'schedule', clock());
    reports.set(network, report);
    const replicas = (
      await deps.queries.replicasOnNode(network, { state: 'ok', order: 'verified', limit: options.batch ?? 1000 })
    ).filter((r) => trigger.all || isDue(r, clock(), options.intervalHours));
    for (const replica of replicas) {
      if (!deps.isUp(network)) {
        report.note = `node ${network} went down during the audit; ${replicas.length - report.checked} replicas left`;
        break;
      }
      const path = isAbsolute(replica.path) ? replica.path : join(root, replica.path);
      let finding: Finding;
      try {
        finding = { found: 'hash', ...(await pacedSha256(path, deps.pacer)) };
      } catch (err) {
        const code = errno(err);
        finding = { found: 'nothing', reason: `the file cannot be read (${code})`, gone: code === 'ENOENT' };
      }
      if (finding.found === 'nothing' && deps.confirmUp && !(await deps.confirmUp(network))) {
        report.note = `node ${network} went down during the audit; ${replicas.length - report.checked} replicas left`;
        break;
      }
      const at = clock();
      let movedTo: string | undefined;
      if (finding.found === 'hash' && finding.sha256 !== replica.sha256) {
        movedTo = await moveAside(root, path, replica.assetId, at).catch((err: unknown) => {
          deps.logger.warn({ err, network, path }, `corrupt replica ${path} could not be moved aside`);
          return undefined;
        });
      }
      const event = auditEvent(replica, finding, movedTo, inboxes.get(network));
      await deps.store.append(
        `asset-${replica.assetId}`,
        stamp([event], {
          actor: trigger.actor,
          now: at.toISOString(),
          newId: () => uuidv7(clock().getTime()),
          correlationId: trigger.correlationId,
          causationId: trigger.correlationId,
        }),
        'any',
      );
      recordOutcome(report, replica, event, finding.found === 'hash' ? finding.bytes : 0);
      if (event.type === 'ReplicaTaken')
        deps.logger.info({ network, assetId: replica.assetId, path }, `taken: ${path}`);
      else if (event.type !== 'ReplicaVerified')
        deps.logger.warn({ network, assetId: replica.assetId, path }, `${event.type}: ${path}`);
    }
    report.state = 'done';
    report.finishedAt = clock().toISOString();
    return report;
  }

  /** Says on the node's stream how the audit ended, so every hub process (and the next start) can answer for it. */
  async function record(report: AuditReport, trigger: { actor: string; correlationId: string }): Promise<void> {
    const event = { type: NodeAuditFinished.type, data: finishedRecord(report) };
    await deps.store
      .append(
        `node-${report.network}`,
        stamp([event], {
          actor: trigger.actor,
          now: clock().toISOString(),
          newId: () => uuidv7(clock().getTime()),
          correlationId: trigger.correlationId,
          causationId: trigger.correlationId,
        }),
        'any',
      )
      .catch((err: unknown) =>
        // The replicas' own events are written; only the summary is lost, and this process still answers for it.
        deps.logger.warn({ err, network: report.network }, 'the audit report could not be recorded'),
      );
  }

  /** Audits `network` unless this process audits it already (then the audit under way is what is answered). */
  function audit(network: string, trigger: { actor: string; correlationId: string; all: boolean }) {
    const under = running.get(network);
    if (under) return { report: reports.get(network)!, done: under };
    const done = auditNode(network, trigger)
      .catch((err: unknown) => {
        const report = reports.get(network)!;
        report.state = 'failed';
        report.note = err instanceof Error ? err.message : String(err);
        report.finishedAt = clock().toISOString();
        return report;
      })
      .then(async (report) => {
        await record(report, trigger);
        return report;
      })
      .finally(() => running.delete(network));
    running.set(network, done);
    return { report: reports.get(network)!, done };
  }

  /** The last audit of `network` that any hub process recorded as ended, undefined before the first. */
  async function recorded(network: string): Promise<AuditReport | undefined> {
    const events = await deps.store.readStream(`node-${network}`);
    const last = events.filter((e) => isEvent(NodeAuditFinished, e)).at(-1);
    return last && isEvent(NodeAuditFinished, last) ? reportFromRecord(last.data) : undefined;
  }

  return {
    audit,
    /**
     * The node's latest audit: the one this process runs or ran last, or the
     * last one any process recorded if that is later (ids sort by time).
     * Undefined before the first.
     */
    async report(network: string): Promise<AuditReport | undefined> {
      const mine = reports.get(network);
      if (mine?.state === 'running') return mine;
      const theirs = await recorded(network);
      return !mine || (theirs && theirs.id > mine.id) ? theirs : mine;
    },
    /** Audits every node that is up, due replicas only: what the schedule runs. */
    async round(): Promise<AuditReport[]> {
      const correlationId = uuidv7(clock().getTime());
      const up = deps.networks.filter((n) => deps.isUp(n.id));
      return Promise.all(up.map((n) => audit(n.id, { actor: 'service:store', correlationId, all: false }).done));
    },
    /** Resolves when every audit under way has finished. */
    async idle(): Promise<void> {
      await Promise.all(running.values());
    },
  };
}

export type Auditor = ReturnType<typeof createAuditor>;
