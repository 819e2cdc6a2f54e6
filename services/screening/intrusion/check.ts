/** Stable rule ids of the intrusion filter: events, read models and tests match on them. */
export type IntrusionRule =
  | 'name.bidi-override'
  | 'name.control-char'
  | 'name.reserved-device'
  | 'name.too-long'
  | 'name.double-extension'
  | 'name.path-separator'
  | 'size.zero'
  | 'size.too-large'
  | 'archive.depth'
  | 'archive.ratio'
  | 'archive.entries'
  | 'archive.total-size'
  | 'archive.encrypted'
  | 'archive.path-traversal'
  | 'archive.unsupported'
  | 'archive.malformed'
  | 'content.executable'
  | 'content.script'
  | 'content.macro-document';

/**
 * The answer of one check. `reason` is for people (quarantine listings) and
 * never quotes file content or the offending name itself, which may carry
 * control or bidi characters: it says where and what kind instead.
 */
export type CheckResult = { ok: true } | { ok: false; rule: IntrusionRule; reason: string };

export const passed: CheckResult = Object.freeze({ ok: true });

export function refused(rule: IntrusionRule, reason: string): CheckResult {
  return { ok: false, rule, reason };
}

/** Runs checks in order and returns the first refusal. */
export async function firstRefusal(checks: Array<() => CheckResult | Promise<CheckResult>>): Promise<CheckResult> {
  for (const check of checks) {
    const result = await check();
    if (!result.ok) return result;
  }
  return passed;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
