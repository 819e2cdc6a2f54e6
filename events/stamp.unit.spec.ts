import { stamp } from './stamp';

describe('stamp', () => {
  test('puts one envelope on each event, in order, with causation chained within the batch', () => {
    let n = 0;
    const events = stamp(
      [
        { type: 'NetworkPaused', data: { network: 'news' } },
        { type: 'NetworkResumed', data: { network: 'news' } },
      ],
      {
        actor: 'user:op',
        now: '2026-11-22T10:00:00.000Z',
        newId: () => `e-${++n}`,
        correlationId: 'c-1',
        causationId: 'r-1',
      },
    );
    expect(events).toEqual([
      {
        id: 'e-1',
        type: 'NetworkPaused',
        data: { network: 'news' },
        metadata: {
          correlationId: 'c-1',
          causationId: 'r-1',
          actor: 'user:op',
          occurredAt: '2026-11-22T10:00:00.000Z',
        },
      },
      {
        id: 'e-2',
        type: 'NetworkResumed',
        data: { network: 'news' },
        metadata: {
          correlationId: 'c-1',
          causationId: 'e-1',
          actor: 'user:op',
          occurredAt: '2026-11-22T10:00:00.000Z',
        },
      },
    ]);
  });

  test('an empty batch stamps nothing', () => {
    expect(stamp([], { actor: 'a', now: 'n', newId: () => 'x', correlationId: 'c', causationId: 'c' })).toEqual([]);
  });
});
