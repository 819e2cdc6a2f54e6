import { basename } from 'node:path';
import type { ReplicaEvent } from '../../../events/catalog';

/** A replica as the audit sees it (the store's read model row). */
export interface AuditedReplica {
  assetId: string;
  network: string;
  path: string;
  kind: string;
  sha256: string;
  verifiedAt: string | null;
  storedAt: string;
}

/** What reading a replica's file found. */
export type Finding =
  | { found: 'hash'; sha256: string; bytes: number }
  /** The file is gone (`gone`: no such file), or cannot be read (`reason` names the error). */
  | { found: 'nothing'; reason: string; gone?: boolean };

type AuditEvent = Extract<
  ReplicaEvent,
  { type: 'ReplicaVerified' | 'ReplicaMissing' | 'ReplicaTaken' | 'ReplicaCorrupt' }
>;

/** What a network's systems do with delivered files (config `networks[].inbox`). */
export type InboxUse = 'kept' | 'taken';

/**
 * What one audit of a replica says: verified when its bytes hash to the
 * asset's SHA-256, missing when its file is gone or unreadable, corrupt
 * otherwise, with where the bad file was moved aside (it is never deleted).
 * A delivered file that is gone from a network whose systems take what is
 * delivered (`inbox` `taken`) was taken, not lost; one that cannot be read
 * for another reason (permissions, I/O) is still missing.
 */
export function auditEvent(
  replica: AuditedReplica,
  finding: Finding,
  movedTo?: string,
  inbox: InboxUse = 'kept',
): AuditEvent {
  const ref = { assetId: replica.assetId, network: replica.network, path: replica.path };
  if (finding.found === 'nothing' && finding.gone && replica.kind === 'delivered' && inbox === 'taken') {
    return { type: 'ReplicaTaken', data: { ...ref, reason: 'taken from the inbox by the network’s systems' } };
  }
  if (finding.found === 'nothing') return { type: 'ReplicaMissing', data: { ...ref, reason: finding.reason } };
  if (finding.sha256 === replica.sha256) return { type: 'ReplicaVerified', data: { ...ref, sha256: finding.sha256 } };
  return {
    type: 'ReplicaCorrupt',
    data: { ...ref, foundSha256: finding.sha256, ...(movedTo ? { movedTo } : {}) },
  };
}

/** Whether a replica is due for a scheduled audit: never verified, or last verified `intervalHours` ago or more. */
export function isDue(replica: Pick<AuditedReplica, 'verifiedAt'>, now: Date, intervalHours: number): boolean {
  if (replica.verifiedAt === null) return true;
  return now.getTime() - Date.parse(replica.verifiedAt) >= intervalHours * 3_600_000;
}

/**
 * Where a corrupt replica's file goes, relative to the node root: under the
 * hub area, by asset, with the time it was found (one file may be found
 * corrupt again after a repair) and its own name.
 */
export function corruptPlace(replica: Pick<AuditedReplica, 'assetId' | 'path'>, at: Date): string[] {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return ['.mxhub', 'corrupt', replica.assetId, `${stamp}-${basename(replica.path)}`];
}
