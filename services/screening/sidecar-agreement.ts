import { durationInSeconds, type Sidecar } from '../../formats/sidecar/sidecar';

/** What screening knows about the media file itself. */
export interface MediaFacts {
  /** SHA-256 computed on the claimed file, hex. */
  sha256: string;
  /** Duration found by analysis, in seconds; undefined for media without one (images). */
  durationSeconds?: number;
  /** Frame rate found by analysis, needed to read a timecode duration. */
  frameRate?: number;
}

export interface AgreementOptions {
  /** Largest difference accepted between the sidecar's and the analysed duration. @default 0.5 s */
  durationToleranceSeconds?: number;
}

export type AgreementResult =
  { ok: true } | { ok: false; rule: 'sidecar.checksum-mismatch' | 'sidecar.duration-mismatch'; reason: string };

/**
 * Checks that what a sidecar claims agrees with the file and its analysis:
 * the checksum must equal the hub's SHA-256 of the claimed file, and the
 * duration must be within the tolerance of the analysed one. Fields the
 * sidecar leaves out are not checked. Pure.
 */
export function checkSidecarAgreement(
  sidecar: Sidecar,
  media: MediaFacts,
  options: AgreementOptions = {},
): AgreementResult {
  const tolerance = options.durationToleranceSeconds ?? 0.5;
  if (sidecar.checksum && sidecar.checksum !== media.sha256.toLowerCase()) {
    return {
      ok: false,
      rule: 'sidecar.checksum-mismatch',
      reason: 'the sidecar checksum does not match the SHA-256 of the media file',
    };
  }
  if (!sidecar.duration) return { ok: true };
  if (media.durationSeconds === undefined) {
    return {
      ok: false,
      rule: 'sidecar.duration-mismatch',
      reason: 'the sidecar gives a duration but analysis found none in the media file',
    };
  }
  if (sidecar.duration.kind === 'timecode' && !media.frameRate) {
    return {
      ok: false,
      rule: 'sidecar.duration-mismatch',
      reason: 'the sidecar gives a timecode duration but analysis found no frame rate to read it with',
    };
  }
  const claimed = durationInSeconds(sidecar.duration, media.frameRate);
  const difference = Math.abs(claimed - media.durationSeconds);
  if (difference > tolerance) {
    return {
      ok: false,
      rule: 'sidecar.duration-mismatch',
      reason: `the sidecar duration (${claimed.toFixed(3)} s) differs from the analysed ${media.durationSeconds.toFixed(3)} s by more than ${tolerance} s`,
    };
  }
  return { ok: true };
}
