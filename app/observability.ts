import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Logger } from '../bots/logger.ts';
import { collectProcessMetrics, metricSources, renderMetrics } from '../bots/metrics.ts';
import type { Config } from '../config/schema.ts';
import type { AnnouncementStore } from '../state/announcement-store.ts';

/**
 * Observability of a process (`serve` or `worker`): the process metrics, and — when an OTLP endpoint is
 * configured — the OpenTelemetry SDK (W3C trace context, batch export over OTLP/HTTP JSON to
 * `<endpoint>/v1/traces`). The core records through bots/metrics.ts and bots/tracing.ts; nothing here is
 * needed for them to work (without it, spans are no-ops).
 */
export interface Observability {
  /** Exports the spans still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

let active: { provider: TracerProvider; contextManager: AsyncLocalStorageContextManager } | undefined;

export function startObservability(config: Readonly<Config>, role: 'serve' | 'worker', logger: Logger): Observability {
  collectProcessMetrics();
  const { otlpEndpoint, otlpHeaders, serviceName, traceSampleRatio } = config.observability;
  if (!otlpEndpoint || active) return { shutdown: async () => undefined };
  const exporter = new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`, headers: { ...otlpHeaders }, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'passerelle', 'passerelle.role': role, 'service.instance.id': `${process.pid}` }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(traceSampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  active = { provider, contextManager };
  logger.info('traces exported over OTLP/HTTP', { endpoint: otlpEndpoint, sampleRatio: traceSampleRatio });
  return {
    async shutdown() {
      if (active?.provider !== provider) return;
      await provider.forceFlush().catch((error: unknown) => logger.warn('trace export failed at shutdown', { error }));
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
      active = undefined;
    },
  };
}

/** Announcement progress for the scrape-time gauge: recipients of the announcements being sent, by state. */
export function observeAnnouncements(store: Pick<AnnouncementStore, 'listAnnouncements' | 'countRecipients'>): void {
  metricSources.announcements = async () => {
    const totals: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0 };
    for (const announcement of await store.listAnnouncements({ statuses: ['sending'] })) {
      const counts = await store.countRecipients(announcement.id);
      for (const state of Object.keys(totals)) totals[state] = (totals[state] ?? 0) + (counts[state as keyof typeof counts] ?? 0);
    }
    return totals;
  };
}

/**
 * `passerelle worker`'s own listener (`PASSERELLE_WORKER_METRICS_PORT`): GET /metrics (bearer
 * `metricsToken` when set) and GET /healthz. The bot process serves both on its admin listener instead.
 */
export async function startMetricsListener(config: Readonly<Config>, port: number, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const token = config.observability.metricsToken;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://metrics.local').pathname;
    if (request.method !== 'GET') return void response.writeHead(405, { allow: 'GET' }).end();
    if (path === '/healthz') return void response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    if (path !== '/metrics') return void response.writeHead(404).end();
    if (token && request.headers.authorization !== `Bearer ${token}`) return void response.writeHead(401, { 'www-authenticate': 'Bearer realm="passerelle-metrics"' }).end();
    renderMetrics().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        logger.error('metrics rendering failed', { error });
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.announcements.adminHost, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  logger.info('worker metrics listening', { host: config.announcements.adminHost, port: bound });
  return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
