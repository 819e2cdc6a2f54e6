import type { StoredEvent } from '../envelope';
import { meta } from '../../test/support/events';
import { createCatalog } from './index';

const catalog = createCatalog();
const id = '01a20183-21ca-74b0-9c85-8a098c0a93e1';

describe('event catalog', () => {
  test('every type has a schema and a version', () => {
    for (const type of catalog.types()) {
      const def = catalog.definition(type);
      expect(def.schemaVersion).toBeGreaterThanOrEqual(1);
      expect(def.schema).toHaveProperty('type', 'object');
    }
    expect(catalog.types()).toEqual(
      expect.arrayContaining([
        'AssetDetected',
        'AssetQuarantined',
        'TransferRequested',
        'TransferCancelled',
        'ReplicaStored',
      ]),
    );
  });

  test('a valid event passes', () => {
    expect(() =>
      catalog.validate({ id, type: 'AssetDeleted', data: { assetId: 'a', reason: 'duplicate' }, metadata: meta() }),
    ).not.toThrow();
  });

  test('errors name the event type and the field', () => {
    const base = { id, type: 'TransferRequested', metadata: meta() };
    expect(() => catalog.validate({ ...base, data: {} })).toThrow(
      'TransferRequested: data.transferId must have required property',
    );
    expect(() =>
      catalog.validate({ id, type: 'AssetDeleted', data: { assetId: 'a', reason: 'r', extra: 1 }, metadata: meta() }),
    ).toThrow('AssetDeleted: data.extra is not a field of this event');
    expect(() =>
      catalog.validate({
        id: 'not-a-uuid',
        type: 'AssetDeleted',
        data: { assetId: 'a', reason: 'r' },
        metadata: meta(),
      }),
    ).toThrow('AssetDeleted: id must be a UUID');
    expect(() =>
      catalog.validate({
        id,
        type: 'AssetDeleted',
        data: { assetId: 'a', reason: 'r' },
        metadata: meta(),
        schemaVersion: 7,
      }),
    ).toThrow(/schemaVersion 7 cannot be appended/);
    expect(() => catalog.validate({ id, type: 'Nope', data: {}, metadata: meta() })).toThrow(
      /unknown event type "Nope"/,
    );
  });

  test('upcasting lifts a v1 TransferRequested to v2, choosing the lane from the old priority', () => {
    const v1 = {
      type: 'TransferRequested',
      schemaVersion: 1,
      data: { transferId: 't', priority: 7 },
    } as unknown as StoredEvent;
    expect(catalog.upcast(v1)).toMatchObject({ schemaVersion: 2, data: { lane: 'normal', priority: 7 } });
    const current = { type: 'AssetDeleted', schemaVersion: 1, data: { assetId: 'a' } } as unknown as StoredEvent;
    expect(catalog.upcast(current)).toBe(current);
  });

  test('upcasting lifts a v1 SidecarParsed to v2, turning the old sidecar priority (10 highest) to the one scale', () => {
    const v1 = (sidecar: Record<string, unknown>) =>
      ({ type: 'SidecarParsed', schemaVersion: 1, data: { assetId: 'a', sidecar } }) as unknown as StoredEvent;
    expect(catalog.upcast(v1({ title: 't', priority: 8 }))).toMatchObject({
      schemaVersion: 2,
      data: { sidecar: { title: 't', priority: 3 } },
    });
    expect(catalog.upcast(v1({ title: 't', priority: 10 })).data).toMatchObject({ sidecar: { priority: 1 } });
    expect(catalog.upcast(v1({ title: 't' })).data).toEqual({ assetId: 'a', sidecar: { title: 't' } });
  });
});
