import { createServer } from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { collectProcessMetrics, metricSources, renderMetrics } from "../bots/metrics.js";
let active;
export function startObservability(config, role, logger) {
    collectProcessMetrics();
    const { otlpEndpoint, otlpHeaders, serviceName, traceSampleRatio } = config.observability;
    if (!otlpEndpoint || active)
        return { shutdown: async () => undefined };
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
            if (active?.provider !== provider)
                return;
            await provider.forceFlush().catch((error) => logger.warn('trace export failed at shutdown', { error }));
            await provider.shutdown().catch(() => undefined);
            trace.disable();
            context.disable();
            propagation.disable();
            active = undefined;
        },
    };
}
/** Announcement progress for the scrape-time gauge: recipients of the announcements being sent, by state. */
export function observeAnnouncements(store) {
    metricSources.announcements = async () => {
        const totals = { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0 };
        for (const announcement of await store.listAnnouncements({ statuses: ['sending'] })) {
            const counts = await store.countRecipients(announcement.id);
            for (const state of Object.keys(totals))
                totals[state] = (totals[state] ?? 0) + (counts[state] ?? 0);
        }
        return totals;
    };
}
/**
 * `passerelle worker`'s own listener (`PASSERELLE_WORKER_METRICS_PORT`): GET /metrics (bearer
 * `metricsToken` when set) and GET /healthz. The bot process serves both on its admin listener instead.
 */
export async function startMetricsListener(config, port, logger) {
    const token = config.observability.metricsToken;
    const server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://metrics.local').pathname;
        if (request.method !== 'GET')
            return void response.writeHead(405, { allow: 'GET' }).end();
        if (path === '/healthz')
            return void response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
        if (path !== '/metrics')
            return void response.writeHead(404).end();
        if (token && request.headers.authorization !== `Bearer ${token}`)
            return void response.writeHead(401, { 'www-authenticate': 'Bearer realm="passerelle-metrics"' }).end();
        renderMetrics().then(({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body), (error) => {
            logger.error('metrics rendering failed', { error });
            response.writeHead(500).end();
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.announcements.adminHost, () => resolve());
    });
    const bound = server.address().port;
    logger.info('worker metrics listening', { host: config.announcements.adminHost, port: bound });
    return { port: bound, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
