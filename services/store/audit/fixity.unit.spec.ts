import { auditEvent, corruptPlace, isDue, type AuditedReplica } from './fixity';

const replica: AuditedReplica = {
  assetId: 'a1',
  network: 'broadcast',
  path: '/n/broadcast/inbox/clip.mxf',
  kind: 'delivered',
  sha256: 'a'.repeat(64),
  verifiedAt: '2026-12-01T10:00:00.000Z',
  storedAt: '2026-11-30T10:00:00.000Z',
};
const ref = { assetId: 'a1', network: 'broadcast', path: '/n/broadcast/inbox/clip.mxf' };

describe('fixity audit of one replica', () => {
  test('the same SHA-256: verified', () => {
    expect(auditEvent(replica, { found: 'hash', sha256: 'a'.repeat(64), bytes: 10 })).toEqual({
      type: 'ReplicaVerified',
      data: { ...ref, sha256: 'a'.repeat(64) },
    });
  });

  test('another SHA-256: corrupt, with what it hashed to and where it was moved aside', () => {
    expect(auditEvent(replica, { found: 'hash', sha256: 'b'.repeat(64), bytes: 10 }, '/n/x')).toEqual({
      type: 'ReplicaCorrupt',
      data: { ...ref, foundSha256: 'b'.repeat(64), movedTo: '/n/x' },
    });
  });

  test('no file: missing, with the reason', () => {
    expect(auditEvent(replica, { found: 'nothing', reason: 'ENOENT' })).toEqual({
      type: 'ReplicaMissing',
      data: { ...ref, reason: 'ENOENT' },
    });
  });

  test('a delivered file gone from an inbox whose network takes what is delivered: taken, not missing', () => {
    const gone = { found: 'nothing' as const, reason: 'the file cannot be read (ENOENT)', gone: true };
    expect(auditEvent(replica, gone, undefined, 'taken')).toEqual({
      type: 'ReplicaTaken',
      data: { ...ref, reason: 'taken from the inbox by the network’s systems' },
    });
    // Where the network keeps delivered files, or for a copy of the hub's own, gone is lost.
    expect(auditEvent(replica, gone, undefined, 'kept').type).toBe('ReplicaMissing');
    expect(auditEvent({ ...replica, kind: 'cached' }, gone, undefined, 'taken').type).toBe('ReplicaMissing');
    expect(auditEvent({ ...replica, kind: 'origin' }, gone, undefined, 'taken').type).toBe('ReplicaMissing');
    // There but unreadable (permissions, I/O) is not taken; changed bytes are corrupt either way.
    const unreadable = { found: 'nothing' as const, reason: 'the file cannot be read (EACCES)', gone: false };
    expect(auditEvent(replica, unreadable, undefined, 'taken').type).toBe('ReplicaMissing');
    expect(auditEvent(replica, { found: 'hash', sha256: 'b'.repeat(64), bytes: 1 }, '/n/x', 'taken').type).toBe(
      'ReplicaCorrupt',
    );
  });

  test('due when never verified or verified the interval ago', () => {
    const now = new Date('2026-12-02T10:00:00.000Z');
    expect(isDue({ verifiedAt: null }, now, 24)).toBe(true);
    expect(isDue(replica, now, 24)).toBe(true);
    expect(isDue(replica, now, 25)).toBe(false);
  });

  test('a corrupt file goes under .mxhub/corrupt/<asset>/ with the time it was found and its name', () => {
    expect(corruptPlace(replica, new Date('2026-12-02T10:00:00.123Z'))).toEqual([
      '.mxhub',
      'corrupt',
      'a1',
      '2026-12-02T10-00-00-123Z-clip.mxf',
    ]);
  });
});
