import { context, propagation, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { logContext, withLogContext } from './logger.ts';

/**
 * Spans for the request path, through the OpenTelemetry API: without a configured SDK (no
 * OTEL_EXPORTER_OTLP_ENDPOINT) every call is a no-op of negligible cost; app/observability.ts registers
 * the SDK and the exporter. A request's trace continues in the worker: the W3C `traceparent` travels in
 * job payloads with the request id (`TraceCarrier`).
 */

const tracer = () => trace.getTracer('passerelle');

/** Runs `work` in a child span of the current one; the span records a thrown error and ends when `work` settles. */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string } | null)?.code ?? (error instanceof Error ? error.message : 'error') });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** What crosses a queue so the worker's logs and spans join the request's: its id and the W3C trace context. */
export interface TraceCarrier {
  requestId?: string;
  traceparent?: string;
}

/** The current request's carrier, for a job payload. */
export function currentCarrier(): TraceCarrier {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const { requestId } = logContext();
  return { ...(requestId ? { requestId } : {}), ...(headers.traceparent ? { traceparent: headers.traceparent } : {}) };
}

/**
 * Runs `work` as the continuation of a carried request: same request id in the logs, a span named `name`
 * in the same trace (a new request id when none was carried).
 */
export function continueRequest<T>(carrier: TraceCarrier | undefined, name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const parent = carrier?.traceparent ? propagation.extract(context.active(), { traceparent: carrier.traceparent }) : context.active();
  return context.with(parent, () => startRequest(name, attributes, work, carrier?.requestId));
}

/** Starts a request: a root span (or child of the active one) and a request id in every log line written under it. */
export function startRequest<T>(name: string, attributes: Attributes, work: () => Promise<T>, requestId: string = newRequestId()): Promise<T> {
  return inSpan(name, { ...attributes, 'passerelle.request_id': requestId }, () => {
    const spanContext = trace.getActiveSpan()?.spanContext();
    const traceId = spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
    return withLogContext({ requestId, ...(traceId ? { traceId } : {}) }, work);
  });
}

/** A short random id (12 hex digits): unique enough to follow one request through the logs. */
export function newRequestId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 12);
}
