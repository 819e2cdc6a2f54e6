import { uuidv7 } from '../../lib/ids';
import type { EventMetadata, NewEvent } from '../../events/envelope';

export function meta(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlationId: 'corr-test',
    causationId: 'cause-test',
    actor: 'user:test',
    occurredAt: '2026-11-22T10:00:00.000Z',
    ...overrides,
  };
}

let counter = 0;

/** A valid AssetDetected event for `assetId`. */
export function detected(assetId: string, overrides: Partial<NewEvent> = {}): NewEvent {
  counter++;
  return {
    id: uuidv7(),
    type: 'AssetDetected',
    data: {
      assetId,
      sourceNetwork: 'news',
      targets: ['broadcast'],
      originalName: `clip-${counter}.mxf`,
      sizeBytes: 1000 + counter,
    },
    metadata: meta(),
    ...overrides,
  };
}

/** A valid AssetDeleted event (a second type, for filters). */
export function deleted(assetId: string): NewEvent {
  return { id: uuidv7(), type: 'AssetDeleted', data: { assetId, reason: 'test' }, metadata: meta() };
}
