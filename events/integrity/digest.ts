import { createHash } from 'node:crypto';

/** The bytes an event's hash covers; must match `mx_event_hash` in the migration to the byte. */
export function eventHash(e: {
  prevHash: string;
  id: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  dataText: string;
  metadataText: string;
}): string {
  const text = [
    e.prevHash,
    e.id,
    e.streamId,
    String(e.version),
    e.type,
    String(e.schemaVersion),
    e.dataText,
    e.metadataText,
  ].join('|');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Checkpoint digest: chains the previous checkpoint's digest with the hashes
 * of every event in (previous position, position], in position order, so
 * removing, adding or reordering any event changes every later digest.
 */
export function checkpointDigest(prevDigest: string, position: bigint, count: bigint, eventHashes: string[]): string {
  const h = createHash('sha256');
  h.update(`${prevDigest}|${position}|${count}|`);
  for (const x of eventHashes) h.update(x);
  return h.digest('hex');
}

export const signedText = (position: bigint, digest: string) => `mxhub-checkpoint|${position}|${digest}`;
