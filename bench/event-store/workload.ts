import { createHash } from 'node:crypto';
import type { NewEvent } from '../../events/envelope';
import { uuidv7 } from '../../lib/ids';

/** A raw row with the columns of mx_events, for the baseline (recorded_at takes its default). */
export type RawRow = [
  position: string,
  eventId: string,
  streamId: string,
  version: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  prevHash: string,
  hash: string,
];

let serial = 0;

/**
 * A valid AssetDetected event of a realistic size (~330 bytes of JSON). Store
 * and baseline write the same payloads so the ratio compares the write paths,
 * not the data.
 */
export function newEvent(): NewEvent {
  serial++;
  return {
    id: uuidv7(),
    type: 'AssetDetected',
    data: {
      assetId: `bench${serial}`,
      sourceNetwork: 'news',
      targets: ['broadcast'],
      originalName: `clip-${serial}.mxf`,
      sizeBytes: 1_000_000 + serial,
    },
    metadata: {
      correlationId: `corr-${serial}`,
      causationId: 'bench',
      actor: 'service:bench',
      occurredAt: '2026-11-22T10:00:00.000Z',
    },
  };
}

/** A stream id nobody has used yet in this run, so appends measure writing, not contention on one stream. */
export function newStreamId(): string {
  return `asset-${uuidv7()}`;
}

let nextPosition = 1n;

/**
 * The baseline's row for `event`: the client picks the position (a counter)
 * and a SHA-256 over the payload, as cheaply as an application writing rows
 * straight into a table would.
 */
export function rawRow(event: NewEvent, streamId: string, version: number): RawRow {
  const data = JSON.stringify(event.data);
  const metadata = JSON.stringify(event.metadata);
  const hash = createHash('sha256').update(`${event.id}|${data}|${metadata}`).digest('hex');
  return [(nextPosition++).toString(), event.id, streamId, version, event.type, 1, data, metadata, '', hash];
}
