import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The EICAR test string: every antivirus engine flags it, and it harms nothing. */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
}

/**
 * A clip broadcast and news both accept (H.264 1280x720 at 25 fps, no audio)
 * of a few MB, encoded once; `variants` copies of it remuxed with a different
 * comment each, so every drop is its own asset (its own SHA-256) without
 * encoding again.
 */
export function makeClips(dir: string, variants: number): Buffer[] {
  const base = join(dir, 'base.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', '6'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '4M', '-pix_fmt', 'yuv420p', '-an', base],
  ]);
  return Array.from({ length: variants }, (_, i) => {
    const out = join(dir, `clip-${i}.mp4`);
    ffmpeg(['-i', base, '-c', 'copy', '-metadata', `comment=browser clip ${i}`, out]);
    return readFileSync(out);
  });
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A sidecar (formats/sidecar/sidecar.md) with the given title, escaped as XML wants. */
export function sidecar(title: string): Buffer {
  return Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<sidecar xmlns="urn:mxhub:sidecar:1" version="1">',
      `  <title>${escapeXml(title)}</title>`,
      '  <materialId>MAT-2026-01500</materialId>',
      '</sidecar>',
      '',
    ].join('\n'),
  );
}
