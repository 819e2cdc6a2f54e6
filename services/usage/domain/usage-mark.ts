import { AssetDeleted, AssetDetected } from '../../../events/catalog/asset-events';
import { AssetUsed, type UsageEvent } from '../../../events/catalog/pick-events';
import { eventGuard, type Stored } from '../../../events/catalog/stored';
import type { EventsOf } from '../../../events/catalog/define';
import type { Decider, StreamState } from '../../../events/decider';
import { NotFoundError, StateError, ValidationError } from '../../../lib/errors';

/** What a usage mark needs of the asset's stream: that the asset exists and was not deleted. */
const folded = [AssetDetected, AssetDeleted, AssetUsed] as const;
type Folded = EventsOf<typeof folded>;

export interface UsageMarkState extends StreamState {
  status: 'none' | 'present' | 'deleted';
  assetId: string;
  /** Marks recorded by hand so far. */
  marks: number;
}

export interface RecordUsage {
  type: 'RecordUsage';
  assetId: string;
  department: string;
  program: string;
  where: string;
  note?: string;
}

const LIMITS = { department: 200, program: 200, where: 500, note: 2000 } as const;

/** A field trimmed; an empty or overlong one is refused naming it. */
function text(field: keyof typeof LIMITS, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > LIMITS[field]) {
    throw new ValidationError(`${field}: must be 1 to ${LIMITS[field]} characters, not only spaces`, { field });
  }
  return trimmed;
}

function evolve(state: UsageMarkState, event: Stored<Folded>): UsageMarkState {
  const next = { ...state, version: event.version, lastEventId: event.id };
  switch (event.type) {
    case 'AssetDetected':
      return { ...next, status: 'present', assetId: event.data.assetId, correlationId: event.metadata.correlationId };
    case 'AssetDeleted':
      return { ...next, status: 'deleted' };
    case 'AssetUsed':
      return { ...next, marks: state.marks + 1 };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

function decide(command: RecordUsage, state: UsageMarkState): UsageEvent[] {
  if (state.status === 'none') throw new NotFoundError(`asset ${command.assetId} not found`);
  if (state.status === 'deleted') throw new StateError(`asset ${command.assetId} was deleted: it can be used no more`);
  const note = command.note === undefined ? undefined : text('note', command.note);
  const data = {
    assetId: command.assetId,
    department: text('department', command.department),
    program: text('program', command.program),
    where: text('where', command.where),
    ...(note ? { note } : {}),
  };
  return [{ type: 'AssetUsed', data }];
}

/**
 * A usage mark on the asset's stream. It folds only what it needs; the
 * asset's other events move the version, so a mark is appended against the
 * stream's head like any command on the asset.
 */
export const usageMarkDecider: Decider<UsageMarkState, RecordUsage, Folded> = {
  initialState: () => ({ status: 'none', version: 0, correlationId: '', lastEventId: '', assetId: '', marks: 0 }),
  evolve,
  decide,
  isEvent: eventGuard(folded),
};
