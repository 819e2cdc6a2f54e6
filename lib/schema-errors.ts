import type { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';

/** One ajv error in words: where it is, which key, the rule broken, and what would be accepted. */
export interface SchemaProblem {
  /** The ajv keyword (`required`, `additionalProperties`, `pattern`...). */
  keyword: string;
  /** Dotted path of the object or value at fault, arrays as `[n]` (`networks[0].id`); empty at the top level. */
  at: string;
  /** The key named by the error: the missing one (`required`) or the unknown one (`additionalProperties`). */
  key?: string;
  /** `at` and `key` joined: the field to name in a message. */
  field: string;
  /** What is wrong, as a predicate: `must match ^[a-z]+$`, `must be integer`, `is required`, `is not accepted`. */
  rule: string;
  /** The keys the object accepts (for `additionalProperties`; needs ajv's `verbose` option). */
  accepted: string[];
  /** The accepted key nearest to an unknown one, when it is a likely typo (edit distance 2 or less). */
  suggestion?: string;
}

/** The largest edit distance at which an unknown key is taken for a typo of an accepted one. */
const TYPO_DISTANCE = 2;

const dotted = (pointer: string) =>
  pointer
    .replace(/^\//, '')
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replace(/\//g, '.');

const join = (at: string, key: string | undefined) => [at, key].filter(Boolean).join('.');

/** Describes an ajv error (compile with `verbose: true` so unknown keys come with the accepted ones). */
export function describeSchemaError(e: ErrorObject): SchemaProblem {
  const at = dotted(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    const accepted = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const near = accepted.length > 0 ? closest(key, accepted) : undefined;
    return {
      keyword: e.keyword,
      at,
      key,
      field: join(at, key),
      rule: 'is not accepted',
      accepted,
      ...(near !== undefined && distance(key, near) <= TYPO_DISTANCE ? { suggestion: near } : {}),
    };
  }
  if (e.keyword === 'required') {
    const key = String(params.missingProperty);
    return { keyword: e.keyword, at, key, field: join(at, key), rule: 'is required', accepted: [] };
  }
  if (e.keyword === 'enum') {
    const accepted = (params.allowedValues as unknown[]).map(String);
    return { keyword: e.keyword, at, field: at, rule: `must be one of: ${accepted.join(', ')}`, accepted };
  }
  const rule = e.keyword === 'pattern' ? `must match ${String(params.pattern)}` : (e.message ?? 'is invalid');
  return { keyword: e.keyword, at, field: at, rule, accepted: [] };
}

/** The constants of a union of literals (TypeBox's `Union([Literal...])` is an `anyOf` of `const`s), if it is one. */
function literalChoices(schema: unknown): string[] | undefined {
  if (!Array.isArray(schema)) return undefined;
  const values = schema.map((branch) => (branch as { const?: unknown } | null)?.const);
  return values.every((v) => v !== undefined) ? values.map(String) : undefined;
}

/**
 * The one problem to tell a caller about, from all the errors ajv gave for a
 * value: a union of literals that matched no branch is said once with its
 * choices (`must be one of: queued, running`), not as its first branch's
 * `must be equal to constant`. Needs ajv's `verbose` option.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem {
  const first = errors[0]!;
  const union = errors.find((e) => e.keyword === 'anyOf' && literalChoices(e.schema) !== undefined);
  if (union && (first.keyword === 'const' || first === union) && first.instancePath === union.instancePath) {
    const accepted = literalChoices(union.schema)!;
    const at = dotted(union.instancePath);
    return { keyword: 'anyOf', at, field: at, rule: `must be one of: ${accepted.join(', ')}`, accepted };
  }
  return describeSchemaError(first);
}
