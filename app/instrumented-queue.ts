import { silentLogger, type Logger } from '../bots/logger.ts';
import { metrics, metricSources, secondsSince } from '../bots/metrics.ts';
import { continueRequest, currentCarrier, type TraceCarrier } from '../bots/tracing.ts';
import type { EnqueueOptions, JobQueue, Processor } from '../queue/job-queue.ts';

/**
 * A queue as the composition root hands it out: the same port, plus what crosses the queue with each job
 * and what the metrics need. `add` stamps the payload's `trace` (the current request id and trace
 * context) unless it carries one; the processor runs as the continuation of that request (same request id
 * in the logs, a `passerelle.job.<queue>` span in the same trace); each attempt's time goes to
 * passerelle_job_duration_seconds (and the log: debug when done, info when failed) and the queue's depth is
 * read at scrape time.
 */
export function instrumentQueue<T>(queue: JobQueue<T>, logger: Logger = silentLogger): JobQueue<T> {
  metricSources.queues = [...metricSources.queues.filter((source) => source.name !== queue.name), { name: queue.name, counts: async () => ({ ...(await queue.counts()) }) }];
  return {
    get name() {
      return queue.name;
    },
    get durable() {
      return queue.durable;
    },
    add(data: T, options: EnqueueOptions) {
      return queue.add(withCarrier(data), options);
    },
    process(concurrency: number, processor: Processor<T>) {
      queue.process(concurrency, (data, context) => {
        const carried = carrierOf(data);
        return continueRequest(carried, `passerelle.job.${queue.name}`, { 'passerelle.job_id': context.id, 'passerelle.attempt': context.attempt }, async () => {
          const started = performance.now();
          let outcome = 'failed';
          try {
            await processor(data, context);
            outcome = 'completed';
          } finally {
            const seconds = secondsSince(started);
            metrics.jobSeconds.observe({ queue: queue.name, outcome }, seconds);
            const fields = { queue: queue.name, job: context.id, attempt: context.attempt, seconds: Math.round(seconds * 1000) / 1000 };
            if (outcome === 'completed') logger.debug('job completed', fields);
            else logger.info('job attempt failed', fields);
          }
        });
      });
    },
    // No request carried: every run of a schedule is a request of its own.
    repeat: (data, options) => queue.repeat(data, options),
    pruneRepeats: (keep) => queue.pruneRepeats(keep),
    get: (id) => queue.get(id),
    pending: () => queue.pending(),
    cancel: (id) => queue.cancel(id),
    counts: () => queue.counts(),
    healthy: () => queue.healthy(),
    close: async () => {
      metricSources.queues = metricSources.queues.filter((source) => source.name !== queue.name);
      await queue.close();
    },
  };
}

function withCarrier<T>(data: T): T {
  if (!data || typeof data !== 'object' || Array.isArray(data) || 'trace' in data) return data;
  const carrier = currentCarrier();
  return Object.keys(carrier).length > 0 ? ({ ...data, trace: carrier } as T) : data;
}

function carrierOf(data: unknown): TraceCarrier | undefined {
  const trace = data && typeof data === 'object' ? (data as { trace?: unknown }).trace : undefined;
  if (!trace || typeof trace !== 'object') return undefined;
  const { requestId, traceparent } = trace as Record<string, unknown>;
  return {
    ...(typeof requestId === 'string' && requestId.length <= 64 ? { requestId } : {}),
    ...(typeof traceparent === 'string' && traceparent.length <= 128 ? { traceparent } : {}),
  };
}
