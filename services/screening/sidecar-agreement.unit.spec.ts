import { checkSidecarAgreement } from './sidecar-agreement';
import type { Sidecar } from '../../formats/sidecar/sidecar';

const sha = 'ab'.repeat(32);
const base: Sidecar = { title: 'Clip', materialId: 'M1', destinations: [], extra: [] };
const ruleOf = (result: ReturnType<typeof checkSidecarAgreement>) => (result.ok ? 'ok' : result.rule);

describe('checkSidecarAgreement', () => {
  it('accepts a sidecar that claims nothing to check', () => {
    expect(checkSidecarAgreement(base, { sha256: sha })).toEqual({ ok: true });
  });

  it("compares the checksum with the hub's SHA-256, whatever its case", () => {
    expect(ruleOf(checkSidecarAgreement({ ...base, checksum: sha }, { sha256: sha.toUpperCase() }))).toBe('ok');
    expect(ruleOf(checkSidecarAgreement({ ...base, checksum: 'cd'.repeat(32) }, { sha256: sha }))).toBe(
      'sidecar.checksum-mismatch',
    );
  });

  it('compares durations within the tolerance, reading timecode with the analysed frame rate', () => {
    const seconds = { ...base, duration: { kind: 'seconds' as const, seconds: 90 } };
    expect(ruleOf(checkSidecarAgreement(seconds, { sha256: sha, durationSeconds: 90.4 }))).toBe('ok');
    expect(ruleOf(checkSidecarAgreement(seconds, { sha256: sha, durationSeconds: 91 }))).toBe(
      'sidecar.duration-mismatch',
    );
    expect(
      ruleOf(checkSidecarAgreement(seconds, { sha256: sha, durationSeconds: 91 }, { durationToleranceSeconds: 2 })),
    ).toBe('ok');
    const timecode = {
      ...base,
      duration: { kind: 'timecode' as const, hours: 0, minutes: 1, seconds: 30, frames: 12, dropFrame: false },
    };
    expect(ruleOf(checkSidecarAgreement(timecode, { sha256: sha, durationSeconds: 90.48, frameRate: 25 }))).toBe('ok');
    expect(ruleOf(checkSidecarAgreement(timecode, { sha256: sha, durationSeconds: 90.48 }))).toBe(
      'sidecar.duration-mismatch',
    );
  });

  it('refuses a duration for media that has none', () => {
    const result = checkSidecarAgreement({ ...base, duration: { kind: 'seconds', seconds: 5 } }, { sha256: sha });
    expect(result).toEqual({
      ok: false,
      rule: 'sidecar.duration-mismatch',
      reason: 'the sidecar gives a duration but analysis found none in the media file',
    });
  });
});
