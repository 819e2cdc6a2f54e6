import picomatch from 'picomatch';
import type { SubscriptionRuleData } from '../../../../events/catalog/subscription-events';
import { ValidationError } from '../../../../lib/errors';

export type SubscriptionRule = SubscriptionRuleData;

/**
 * Globs compare whole names and values, case-insensitively (a camera writes
 * `CLIP.WAV` where a rule says `*.wav`). `strictBrackets` makes an unbalanced
 * bracket, brace or parenthesis an error instead of a literal character, so a
 * typo is refused when the rule is made rather than silently matching nothing.
 */
export const GLOB_OPTIONS = { nocase: true, dot: true, strictBrackets: true } as const;

/** Sidecar fields a rule may test (formats/sidecar/sidecar.ts), besides `extra.<key>` for the free items. */
export const SIDECAR_FIELDS = [
  'title',
  'materialId',
  'programmeId',
  'category',
  'description',
  'rights',
  'priority',
  'checksum',
] as const;

const EXTRA_KEY = /^extra\.[A-Za-z0-9_.:-]{1,64}$/;

const isSidecarField = (field: string) =>
  (SIDECAR_FIELDS as readonly string[]).includes(field) || EXTRA_KEY.test(field);

/** Compiles a glob, or throws a ValidationError naming `field` with picomatch's reason. */
export function compileGlob(glob: string, field: string): (value: string) => boolean {
  try {
    return picomatch(glob, GLOB_OPTIONS);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ValidationError(`${field}: not a valid glob (${why})`, { field });
  }
}

/**
 * What a schema cannot say about a rule: the networks are configured ones,
 * the globs compile, the sidecar fields exist, the durations are in order.
 * Throws a ValidationError (400) naming the first field at fault. Pure.
 */
export function checkRule(rule: SubscriptionRule, networks: readonly string[]): void {
  const known = (network: string, field: string) => {
    if (!networks.includes(network)) {
      throw new ValidationError(`${field}: network '${network}' is not configured (known: ${networks.join(', ')})`, {
        field,
      });
    }
  };
  known(rule.network, 'network');
  rule.from?.forEach((network, i) => known(network, `from[${i}]`));
  if (rule.from?.length === 1 && rule.from[0] === rule.network) {
    throw new ValidationError(`from: a network cannot subscribe to its own assets ('${rule.network}')`, {
      field: 'from',
    });
  }
  const match = rule.match ?? {};
  if (match.nameGlob !== undefined) compileGlob(match.nameGlob, 'match.nameGlob');
  for (const [field, value] of Object.entries(match.sidecar ?? {})) {
    const at = `match.sidecar.${field}`;
    if (!isSidecarField(field)) {
      throw new ValidationError(
        `${at}: not a sidecar field; use one of ${SIDECAR_FIELDS.join(', ')} or extra.<key> for a free item`,
        { field: at },
      );
    }
    compileGlob(value, at);
  }
  const { minDurationSeconds: min, maxDurationSeconds: max } = match;
  if (min !== undefined && max !== undefined && min > max) {
    throw new ValidationError(`match.maxDurationSeconds: ${max} is below match.minDurationSeconds ${min}`, {
      field: 'match.maxDurationSeconds',
    });
  }
}
