import { createKafkaBackbone } from '../../../events/backbone/adapters/kafka';
import { describeBackboneRecordsContract } from '../../../events/backbone/backbone-records.contract';
import { ensureBroker, randomName, readAllMessages, sharedBroker } from './support';

jest.setTimeout(120_000);

describeBackboneRecordsContract('kafka', async () => {
  await ensureBroker();
  const topicPrefix = `${randomName('mxtest.records-')}.`;
  const backbone = createKafkaBackbone({ brokers: [sharedBroker.broker], topicPrefix });
  return {
    backbone,
    // The values are compact JSON, so parsing and printing them again gives the bytes sent.
    read: async (category) =>
      (await readAllMessages(sharedBroker.broker, [`${topicPrefix}${category}`])).map((m) => ({
        key: m.key,
        value: JSON.stringify(m.event),
      })),
    category: 'checkpoints',
    dispose: () => backbone.close(),
  };
});
