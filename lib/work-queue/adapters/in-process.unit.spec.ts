import { describeWorkQueueContract } from '../work-queue.contract';
import { describeWorkQueuePullContract } from '../work-queue-pull.contract';
import { createInProcessWorkQueue } from './in-process';

describeWorkQueueContract('in-process', (name, options) => createInProcessWorkQueue(name, options));
describeWorkQueuePullContract('in-process', (name, options) => createInProcessWorkQueue(name, options));
