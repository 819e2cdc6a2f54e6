import { createInProcessWorkQueue } from '../../../lib/work-queue/adapters/in-process';
import { describeLanesContract, type LaneJob } from './lanes.contract';

const options = { backoffMs: 50, maxBackoffMs: 200 };

describeLanesContract('in-process', (names) => ({
  urgent: createInProcessWorkQueue<LaneJob>(names.urgent, options),
  normal: createInProcessWorkQueue<LaneJob>(names.normal, options),
}));
