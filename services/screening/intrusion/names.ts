import { passed, refused, type CheckResult } from './check';

export interface NameRules {
  /** Longest name accepted, in UTF-8 bytes (most filesystems stop at 255). @default 255 */
  maxBytes?: number;
  /**
   * Extensions that make a name with two or more extensions refused when they
   * are the last or the one before it (`clip.mxf.exe`, `clip.exe.mxf`).
   * @default DANGEROUS_EXTENSIONS
   */
  dangerousExtensions?: readonly string[];
}

/** Executables, scripts, installers, shortcuts and macro-enabled documents. */
export const DANGEROUS_EXTENSIONS: readonly string[] = [
  'exe com scr pif bat cmd msi msp dll cpl sys drv ocx js jse mjs vbs vbe wsf wsh ps1 psm1 hta',
  'jar class sh bash zsh csh ksh py pl rb php elf bin run out app dmg pkg deb rpm apk lnk url reg',
  'scf inf iso img docm dotm xlsm xltm xlam pptm potm ppam sldm',
]
  .join(' ')
  .split(' ');

// Bidirectional controls reorder what a person sees ("clip\u202Evom.exe"
// displays as "clipexe.mov"); zero-width marks hide characters.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point of this check
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
// Windows device names stay devices with any extension (CON.mxf), also with
// trailing dots or spaces, and COM/LPT with superscript digits.
const RESERVED = /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00B9\u00B2\u00B3]|LPT[0-9\u00B9\u00B2\u00B3])$/i;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function located(name: string, pattern: RegExp): string {
  const match = pattern.exec(name);
  return match ? `${codePoint(match[0])} at position ${[...name.slice(0, match.index)].length + 1}` : '';
}

/**
 * Checks one file name (a base name, not a path). The reason locates the
 * problem (character code and position) instead of echoing the name, which
 * could garble logs and listings.
 */
export function checkName(name: string, rules: NameRules = {}): CheckResult {
  const maxBytes = rules.maxBytes ?? 255;
  const dangerous = new Set((rules.dangerousExtensions ?? DANGEROUS_EXTENSIONS).map((e) => e.toLowerCase()));
  if (name.length === 0) return refused('name.control-char', 'the file name is empty');
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    return refused(
      'name.path-separator',
      'the file name contains a path separator or names a directory; send a plain file name',
    );
  }
  if (BIDI.test(name)) {
    return refused(
      'name.bidi-override',
      `the file name contains a bidirectional control character (${located(name, BIDI)}), which can disguise its extension`,
    );
  }
  if (CONTROL.test(name)) {
    return refused('name.control-char', `the file name contains a control character (${located(name, CONTROL)})`);
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxBytes) {
    return refused('name.too-long', `the file name is ${bytes} bytes long in UTF-8; at most ${maxBytes} are accepted`);
  }
  const stem = name.replace(/[. ]+$/, '').split('.')[0] ?? '';
  if (RESERVED.test(stem.trim())) {
    return refused(
      'name.reserved-device',
      `the file name starts with the reserved device name ${stem.trim().toUpperCase()}, which Windows systems cannot store as a file`,
    );
  }
  const extensions = name
    .split('.')
    .slice(1)
    .map((e) => e.trim().toLowerCase());
  if (extensions.length >= 2) {
    const last = extensions[extensions.length - 1] ?? '';
    const before = extensions[extensions.length - 2] ?? '';
    const culprit = dangerous.has(last) ? last : dangerous.has(before) ? before : undefined;
    if (culprit) {
      return refused(
        'name.double-extension',
        `the file name has a double extension involving .${culprit}, a way to disguise executable content`,
      );
    }
  }
  return passed;
}
