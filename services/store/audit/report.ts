import type { ReplicaEvent } from '../../../events/catalog';
import { AUDIT_PROBLEMS_LISTED, type NodeAuditFinished } from '../../../events/catalog/node-events';
import type { DataOf } from '../../../events/catalog/define';

/** A replica the audit found missing or corrupt. */
export interface AuditProblem {
  assetId: string;
  path: string;
  state: 'missing' | 'corrupt';
  /** Where a corrupt file was moved aside. */
  movedTo?: string;
  reason?: string;
}

/** One audit of one node in this process: what `POST /v1/nodes/{id}/audit` starts and `mxhub audit-storage` prints. */
export interface AuditReport {
  /** This audit's id (a uuidv7: later audits sort after earlier ones). */
  id: string;
  network: string;
  /** `request`: every replica of the node now; `schedule`: the replicas due. */
  trigger: 'request' | 'schedule';
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  checked: number;
  verified: number;
  missing: number;
  /** Delivered files that the network's systems took from its inbox (`inbox: taken`): not problems. */
  taken: number;
  corrupt: number;
  /** Bytes read and hashed. */
  bytes: number;
  problems: AuditProblem[];
  /** Why the audit stopped early or failed. */
  note?: string;
}

export function emptyReport(id: string, network: string, trigger: AuditReport['trigger'], at: Date): AuditReport {
  return {
    id,
    network,
    trigger,
    state: 'running',
    startedAt: at.toISOString(),
    finishedAt: null,
    checked: 0,
    verified: 0,
    missing: 0,
    taken: 0,
    corrupt: 0,
    bytes: 0,
    problems: [],
  };
}

/** Counts one replica's outcome into the report. */
export function recordOutcome(
  report: AuditReport,
  replica: { assetId: string; path: string },
  event: Extract<ReplicaEvent, { type: 'ReplicaVerified' | 'ReplicaMissing' | 'ReplicaTaken' | 'ReplicaCorrupt' }>,
  bytes: number,
): void {
  report.checked++;
  report.bytes += bytes;
  const where = { assetId: replica.assetId, path: replica.path };
  switch (event.type) {
    case 'ReplicaVerified':
      report.verified++;
      return;
    case 'ReplicaTaken':
      report.taken++;
      return;
    case 'ReplicaMissing':
      report.missing++;
      report.problems.push({
        ...where,
        state: 'missing',
        ...(event.data.reason ? { reason: event.data.reason } : {}),
      });
      return;
    case 'ReplicaCorrupt':
      report.corrupt++;
      report.problems.push({
        ...where,
        state: 'corrupt',
        ...(event.data.movedTo ? { movedTo: event.data.movedTo } : {}),
      });
      return;
  }
}

/** What an audit that ended leaves on its node's stream: the report, its problem list capped (the counts are whole). */
export function finishedRecord(report: AuditReport): DataOf<typeof NodeAuditFinished> {
  const { id, state, finishedAt, note, problems, ...counts } = report;
  const listed = problems.slice(0, AUDIT_PROBLEMS_LISTED);
  const unlisted = problems.length - listed.length;
  const more = unlisted > 0 ? `${unlisted} more problems are not listed here; each is on its asset's stream` : '';
  const told = [note, more].filter(Boolean).join('; ');
  return {
    ...counts,
    auditId: id,
    state: state === 'failed' ? 'failed' : 'done',
    finishedAt: finishedAt ?? new Date().toISOString(),
    problems: listed,
    ...(told ? { note: told } : {}),
  };
}

/** The report an ended audit recorded. */
export function reportFromRecord(record: DataOf<typeof NodeAuditFinished>): AuditReport {
  const { auditId, taken, ...rest } = record;
  return { id: auditId, taken: taken ?? 0, ...rest };
}
