import { runOrder } from '../../console/src/pages/transfers/format';

// The transfers board's Queued table (console/src/pages/transfers): the order the lanes serve, one row per transfer.
const t = (id: string, version: number, over: Partial<{ lane: string; priority: number; state: string }> = {}) => ({
  id,
  version,
  lane: 'normal',
  priority: 5,
  createdAt: `2026-12-03T10:00:0${id.length}.000Z`,
  state: 'queued',
  ...over,
});

test('urgent first, then priority, then age; paused ones last', () => {
  const order = runOrder([
    t('a', 1),
    t('bb', 1, { state: 'paused', lane: 'urgent' }),
    t('ccc', 1, { priority: 3 }),
    t('dddd', 1, { lane: 'urgent', priority: 9 }),
  ]).map((x) => x.id);
  expect(order).toEqual(['dddd', 'ccc', 'a', 'bb']);
});

test('a transfer both lists still hold (just paused or resumed) is one row, its newest version', () => {
  const rows = runOrder([t('a', 3, { state: 'queued' }), t('a', 2, { state: 'paused' }), t('b', 1)]);
  expect(rows.map((x) => [x.id, x.version, x.state])).toEqual([
    ['a', 3, 'queued'],
    ['b', 1, 'queued'],
  ]);
});
