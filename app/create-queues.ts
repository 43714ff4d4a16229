import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import { BullJobQueue } from '../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../queue/in-process-job-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { instrumentQueue } from './instrumented-queue.ts';
import { DELIVERY_QUEUE, ENRICH_QUEUE, SYNC_QUEUE, WORK_QUEUE, type DeliveryJob, type EnrichJobInput, type SyncJob, type WorkJobInput } from '../queue/jobs.ts';

/**
 * The queues: work (bot → workers), deliveries (workers → any bot replica), enrichment (`passerelle enrich` →
 * workers) and the scheduled synchronisations. Tchap deliveries taken by a replica without the Tchap connection
 * are forwarded to `tchapDeliveries`, consumed by the replica holding it (created on first use).
 */
export interface Queues {
  work: JobQueue<WorkJobInput>;
  deliveries: JobQueue<DeliveryJob>;
  readonly tchapDeliveries: JobQueue<DeliveryJob>;
  enrichment: JobQueue<EnrichJobInput>;
  /** Scheduled synchronisations with the official sources (app/sync-jobs.ts). */
  sync: JobQueue<SyncJob>;
  close(): Promise<void>;
}

/** `logger` hears of a queue that stopped processing for another reason than close() (Redis errors are retried silently). */
export function createQueues(config: Readonly<Config>, logger?: Logger): Queues {
  const { queue } = config;
  const make = <T>(name: string): JobQueue<T> => instrumentQueue(makeQueue<T>(name), logger);
  const makeQueue = <T>(name: string): JobQueue<T> =>
    queue.redisUrl
      ? new BullJobQueue<T>(name, {
          redisUrl: queue.redisUrl,
          prefix: queue.prefix,
          lockDurationMs: queue.lockDurationMs,
          stalledIntervalMs: queue.stalledIntervalMs,
          keepCompletedSeconds: Math.ceil((queue.dedupeWindowMinutes * 60_000) / 1000),
          ...(logger ? { onError: (error: unknown) => logger.error('queue stopped processing', { queue: name, error }) } : {}),
        })
      : new InProcessJobQueue<T>(name, queue.dedupeWindowMinutes * 60_000);
  const work = make<WorkJobInput>(WORK_QUEUE);
  const deliveries = make<DeliveryJob>(DELIVERY_QUEUE);
  const enrichment = make<EnrichJobInput>(ENRICH_QUEUE);
  const sync = make<SyncJob>(SYNC_QUEUE);
  let tchap: JobQueue<DeliveryJob> | undefined;
  return {
    work,
    deliveries,
    get tchapDeliveries() {
      return (tchap ??= make<DeliveryJob>(`${DELIVERY_QUEUE}-matrix`));
    },
    enrichment,
    sync,
    async close() {
      await Promise.all([work.close(), deliveries.close(), enrichment.close(), sync.close(), tchap?.close()]);
    },
  };
}
