import type { Static, TSchema } from '@sinclair/typebox';

/** Turns data of an older schema version into the next version's shape. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * One event type of the catalog: its name, current schema version, JSON
 * Schema (TypeBox builds standard JSON Schema), and the upcasters that lift
 * stored data of older versions (key = the version upcast FROM).
 */
export interface EventDefinition<Type extends string = string, S extends TSchema = TSchema> {
  type: Type;
  schemaVersion: number;
  schema: S;
  upcasters: Record<number, Upcaster>;
  description: string;
}

export function defineEvent<Type extends string, S extends TSchema>(
  type: Type,
  schema: S,
  description: string,
  options: { schemaVersion?: number; upcasters?: Record<number, Upcaster> } = {},
): EventDefinition<Type, S> {
  return { type, schema, description, schemaVersion: options.schemaVersion ?? 1, upcasters: options.upcasters ?? {} };
}

/** The data type of a definition. */
export type DataOf<D> = D extends EventDefinition<string, infer S> ? Static<S> : never;

/** `{ type: 'X', data: ... }` for each definition of a tuple, unioned. */
export type EventsOf<Defs extends readonly EventDefinition[]> = {
  [K in keyof Defs]: Defs[K] extends EventDefinition<infer T, infer S> ? { type: T; data: Static<S> } : never;
}[number];
