import { basename } from 'node:path';
import type { ReplicaEvent } from '../../../events/catalog';

/** A replica as the audit sees it (the store's read model row). */
export interface AuditedReplica {
  assetId: string;
  network: string;
  path: string;
  sha256: string;
  verifiedAt: string | null;
  storedAt: string;
}

/** What reading a replica's file found. */
export type Finding =
  | { found: 'hash'; sha256: string; bytes: number }
  /** The file is gone, or cannot be read (`reason` names the error). */
  | { found: 'nothing'; reason: string };

type AuditEvent = Extract<ReplicaEvent, { type: 'ReplicaVerified' | 'ReplicaMissing' | 'ReplicaCorrupt' }>;

/**
 * What one audit of a replica says: verified when its bytes hash to the
 * asset's SHA-256, missing when its file is gone or unreadable, corrupt
 * otherwise, with where the bad file was moved aside (it is never deleted).
 */
export function auditEvent(replica: AuditedReplica, finding: Finding, movedTo?: string): AuditEvent {
  const ref = { assetId: replica.assetId, network: replica.network, path: replica.path };
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
