import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { jobQueueContract, type Payload } from './job-queue.contract.ts';
import { deleteKeysUnder, REDIS_URL, testPrefix } from './redis-helpers.ts';

/** The same contract against both implementations of the JobQueue port. */

let prefix = testPrefix();
jobQueueContract('BullJobQueue on real Redis', {
  async open() {
    prefix = testPrefix();
    return new BullJobQueue<Payload>('contract', { redisUrl: REDIS_URL, prefix, cancelPollMs: 50 });
  },
  cleanup: () => deleteKeysUnder(prefix),
  cancelLatencyMs: 50,
});

jobQueueContract('InProcessJobQueue', {
  async open() {
    return new InProcessJobQueue<Payload>('contract');
  },
  async cleanup() {},
  cancelLatencyMs: 0,
});
