import { describeWorkQueueContract } from '../work-queue.contract';
import { createInProcessWorkQueue } from './in-process';

describeWorkQueueContract('in-process', (name, options) => createInProcessWorkQueue(name, options));
