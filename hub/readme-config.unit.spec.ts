import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from '../schemas/config';

// The README's configuration table is what operators read; the schema is what the hub applies. This keeps them
// one: every key of the schema is named in the table with the schema's default, and every key named is real.

interface SchemaNode {
  path: string;
  default?: unknown;
}

/** Every key of the schema, dotted; an array of objects' item keys under the array's (`networks.id`). */
function schemaKeys(schema: TSchema, path = ''): SchemaNode[] {
  const nodes: SchemaNode[] = path ? [{ path, ...('default' in schema ? { default: schema.default } : {}) }] : [];
  if (schema.type === 'object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>))
      nodes.push(...schemaKeys(child, path ? `${path}.${key}` : key));
  }
  if (schema.type === 'array' && (schema.items as TSchema | undefined)?.properties)
    nodes.push(...schemaKeys(schema.items as TSchema, path).slice(1));
  return nodes;
}

interface Row {
  keys: string[];
  defaults: string;
}

/** The rows of the table under `## Configuration`: the keys each names (`a` (`b`, `c`) names a, a.b and a.c). */
function readmeRows(): Row[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [first = '', , defaults = ''] = line.split('|').slice(1, -1);
      const keys: string[] = [];
      let parent = '';
      let depth = 0;
      for (const token of first.match(/`[^`]+`|[()]/g) ?? []) {
        if (token === '(') depth++;
        else if (token === ')') depth--;
        else {
          // `screening.policies.<target>`: the placeholder is a record's key; `networks[]`: the array's items.
          const key = token
            .slice(1, -1)
            .replace(/\.<[^>]+>$/, '')
            .replace(/\[\]$/, '');
          if (depth === 0) keys.push((parent = key));
          else keys.push(`${parent}.${key}`);
        }
      }
      return { keys, defaults };
    });
}

/** A default as the table writes it: `value`, a list as `["a", "b"]`, objects by their values, null as unlimited. */
function written(value: unknown): string[] {
  if (value === null) return ['unlimited'];
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null))
    return value.flatMap((v) => Object.values(v as object).map((x) => `\`${String(x)}\``));
  if (Array.isArray(value)) return [`\`[${value.map((v) => JSON.stringify(v)).join(', ')}]\``];
  return [`\`${String(value)}\``];
}

const isEmptyContainer = (v: unknown) =>
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

describe("the README's configuration table", () => {
  const keys = schemaKeys(ConfigSchema);
  const rows = readmeRows();
  const named = new Map(rows.flatMap((row) => row.keys.map((k) => [k, row] as const)));
  /** The row naming a key, or the one naming its nearest named parent (a parent named without its children). */
  const rowOf = (path: string): Row | undefined => {
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const row = named.get(p);
      if (row) return row;
    }
    return undefined;
  };

  test('names every key of the schema', () => {
    const leaves = keys.filter((k) => !keys.some((other) => other.path.startsWith(`${k.path}.`)));
    expect(leaves.filter((k) => !named.has(k.path)).map((k) => k.path)).toEqual([]);
  });

  test('names only keys the schema has', () => {
    const real = new Set(keys.map((k) => k.path));
    expect([...named.keys()].filter((k) => !real.has(k))).toEqual([]);
  });

  test("gives each key's schema default", () => {
    const wrong = keys
      .filter((k) => 'default' in k && !isEmptyContainer(k.default))
      .filter((k) => !written(k.default).every((w) => rowOf(k.path)?.defaults.includes(w)))
      .map((k) => `${k.path}: ${written(k.default).join(' ')} not in "${rowOf(k.path)?.defaults ?? '(no row)'}"`);
    expect(wrong).toEqual([]);
  });
});
