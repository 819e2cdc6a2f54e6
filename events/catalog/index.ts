import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '../../lib/errors';
import { describeSchemaError } from '../../lib/schema-errors';
import type { NewEvent, StoredEvent } from '../envelope';
import type { EventDefinition } from './define';
import { assetEvents } from './asset-events';
import { controlEvents } from './control-events';
import { mediaEvents } from './media-events';
import { nodeEvents } from './node-events';
import { pickEvents, usageEvents } from './pick-events';
import { replicaEvents } from './replica-events';
import { matchEvents, subscriptionEvents } from './subscription-events';
import { renditionEvents } from './rendition-events';
import { transferEvents } from './transfer-events';
import { userEvents } from './user-events';

export * from './asset-events';
export * from './transfer-events';
export * from './control-events';
export * from './node-events';
export * from './replica-events';
export * from './subscription-events';
export * from './rendition-events';
export * from './media-events';
export * from './pick-events';
export * from './user-events';
export type { EventDefinition } from './define';
export * from './stored';

const definitions: readonly EventDefinition[] = [
  ...assetEvents,
  ...replicaEvents,
  ...transferEvents,
  ...renditionEvents,
  ...controlEvents,
  ...nodeEvents,
  ...subscriptionEvents,
  ...matchEvents,
  ...mediaEvents,
  ...pickEvents,
  ...usageEvents,
  ...userEvents,
];

export interface Catalog {
  definition(type: string): EventDefinition;
  types(): string[];
  /** Throws ValidationError naming the event type and the field at fault. */
  validate(event: NewEvent): void;
  /** Lifts a stored event of an older schema version to the current one. */
  upcast(event: StoredEvent): StoredEvent;
}

function describe(errors: ErrorObject[] | null | undefined): { field: string; rule: string } {
  const first = errors?.[0];
  if (!first) return { field: '(data)', rule: 'is invalid' };
  const problem = describeSchemaError(first);
  const field = problem.field ? `data.${problem.field}` : 'data';
  // ajv's own wording otherwise ("must have required property 'x'", "must be string"): it names the rule.
  const rule =
    problem.keyword === 'additionalProperties' ? 'is not a field of this event' : (first.message ?? problem.rule);
  return { field, rule };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkEnvelope(event: NewEvent): void {
  const fail = (field: string, rule: string) => {
    throw new ValidationError(`${event.type}: ${field} ${rule}`, { type: event.type, field });
  };
  if (typeof event.id !== 'string' || !UUID.test(event.id)) fail('id', 'must be a UUID');
  const m = event.metadata as Partial<NewEvent['metadata']> | undefined;
  if (!m || typeof m !== 'object') return fail('metadata', 'is required');
  for (const key of ['correlationId', 'causationId', 'actor'] as const) {
    if (typeof m[key] !== 'string' || m[key].length === 0) fail(`metadata.${key}`, 'must be a non-empty string');
  }
  if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt))) {
    fail('metadata.occurredAt', 'must be an ISO-8601 time');
  }
}

/** Builds the catalog over the given definitions (all of the hub's by default). */
export function createCatalog(defs: readonly EventDefinition[] = definitions): Catalog {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  const byType = new Map<string, { def: EventDefinition; check: ValidateFunction }>();
  for (const def of defs) byType.set(def.type, { def, check: ajv.compile(def.schema) });

  function entry(type: string) {
    const found = byType.get(type);
    if (!found) {
      throw new ValidationError(`unknown event type "${type}"; the catalog has ${[...byType.keys()].join(', ')}`, {
        field: 'type',
        type,
      });
    }
    return found;
  }

  return {
    definition: (type) => entry(type).def,
    types: () => [...byType.keys()],
    validate(event) {
      const { def, check } = entry(event.type);
      checkEnvelope(event);
      const version = event.schemaVersion ?? def.schemaVersion;
      if (version !== def.schemaVersion) {
        throw new ValidationError(
          `${event.type}: schemaVersion ${version} cannot be appended; the current version is ${def.schemaVersion}`,
          { type: event.type, field: 'schemaVersion' },
        );
      }
      if (!check(event.data)) {
        const { field, rule } = describe(check.errors);
        throw new ValidationError(`${event.type}: ${field} ${rule}`, { type: event.type, field });
      }
    },
    upcast(event) {
      const { def } = entry(event.type);
      let data = event.data as Record<string, unknown>;
      for (let v = event.schemaVersion; v < def.schemaVersion; v++) {
        const up = def.upcasters[v];
        if (!up) throw new ValidationError(`${event.type}: no upcaster from schema version ${v} to ${v + 1}`);
        data = up(data);
      }
      return data === event.data ? event : { ...event, data, schemaVersion: def.schemaVersion };
    },
  };
}
