import type { ReplicaEvent } from '../../../events/catalog';

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
  network: string;
  /** `request`: every replica of the node now; `schedule`: the replicas due. */
  trigger: 'request' | 'schedule';
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  checked: number;
  verified: number;
  missing: number;
  corrupt: number;
  /** Bytes read and hashed. */
  bytes: number;
  problems: AuditProblem[];
  /** Why the audit stopped early or failed. */
  note?: string;
}

export function emptyReport(network: string, trigger: AuditReport['trigger'], at: Date): AuditReport {
  return {
    network,
    trigger,
    state: 'running',
    startedAt: at.toISOString(),
    finishedAt: null,
    checked: 0,
    verified: 0,
    missing: 0,
    corrupt: 0,
    bytes: 0,
    problems: [],
  };
}

/** Counts one replica's outcome into the report. */
export function recordOutcome(
  report: AuditReport,
  replica: { assetId: string; path: string },
  event: Extract<ReplicaEvent, { type: 'ReplicaVerified' | 'ReplicaMissing' | 'ReplicaCorrupt' }>,
  bytes: number,
): void {
  report.checked++;
  report.bytes += bytes;
  switch (event.type) {
    case 'ReplicaVerified':
      report.verified++;
      return;
    case 'ReplicaMissing':
      report.missing++;
      report.problems.push({
        ...replica,
        state: 'missing',
        ...(event.data.reason ? { reason: event.data.reason } : {}),
      });
      return;
    case 'ReplicaCorrupt':
      report.corrupt++;
      report.problems.push({
        ...replica,
        state: 'corrupt',
        ...(event.data.movedTo ? { movedTo: event.data.movedTo } : {}),
      });
      return;
  }
}
