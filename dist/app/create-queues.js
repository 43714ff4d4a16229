import { BullJobQueue } from "../queue/bull-job-queue.js";
import { InProcessJobQueue } from "../queue/in-process-job-queue.js";
import { instrumentQueue } from "./instrumented-queue.js";
import { DELIVERY_QUEUE, ENRICH_QUEUE, WORK_QUEUE } from "../queue/jobs.js";
/** `logger` hears of a queue that stopped processing for another reason than close() (Redis errors are retried silently). */
export function createQueues(config, logger) {
    const { queue } = config;
    const make = (name) => instrumentQueue(makeQueue(name), logger);
    const makeQueue = (name) => queue.redisUrl
        ? new BullJobQueue(name, {
            redisUrl: queue.redisUrl,
            prefix: queue.prefix,
            lockDurationMs: queue.lockDurationMs,
            stalledIntervalMs: queue.stalledIntervalMs,
            keepCompletedSeconds: Math.ceil((queue.dedupeWindowMinutes * 60_000) / 1000),
            ...(logger ? { onError: (error) => logger.error('queue stopped processing', { queue: name, error }) } : {}),
        })
        : new InProcessJobQueue(name, queue.dedupeWindowMinutes * 60_000);
    const work = make(WORK_QUEUE);
    const deliveries = make(DELIVERY_QUEUE);
    const enrichment = make(ENRICH_QUEUE);
    return {
        work,
        deliveries,
        enrichment,
        async close() {
            await Promise.all([work.close(), deliveries.close(), enrichment.close()]);
        },
    };
}
