import { createInProcessBackbone } from '../../../events/backbone/adapters/in-process';
import { describeBackboneRecordsContract } from '../../../events/backbone/backbone-records.contract';

describeBackboneRecordsContract('in-process', async () => {
  const backbone = createInProcessBackbone();
  return {
    backbone,
    read: async (category) => backbone.records(category),
    category: 'checkpoints',
    dispose: () => backbone.close(),
  };
});

test('in-process: records beyond maxRecords drop the oldest first', async () => {
  const backbone = createInProcessBackbone({ maxRecords: 2 });
  for (const v of ['a', 'b', 'c']) await backbone.publishRecord('checkpoints', 'log', v);
  expect(backbone.records('checkpoints').map((r) => r.value)).toEqual(['b', 'c']);
  expect(backbone.records('other')).toEqual([]);
  await backbone.close();
});
