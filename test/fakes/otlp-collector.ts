import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenTelemetry collector speaking OTLP/HTTP on 127.0.0.1 (random port): `POST /v1/traces` with an
 * `ExportTraceServiceRequest` as JSON (`application/json`, what @opentelemetry/exporter-trace-otlp-http
 * sends); protobuf bodies are recorded raw. Answers 200 with an empty `ExportTraceServiceResponse`, or the
 * statuses queued with `failNext` (the exporter retries 429/502/503/504).
 */

/** A span as the collector received it (OTLP JSON: ids in hex, times in nanoseconds as strings). */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  /** `service.name` and the other resource attributes of the export. */
  resource: Record<string, unknown>;
  status?: { code?: number; message?: string };
}

export interface FakeOtlpCollector {
  url: string;
  readonly spans: CollectedSpan[];
  readonly requests: Array<{ path: string; contentType: string; bytes: number }>;
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

function valueOf(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((entry) => [entry.key, valueOf(entry.value)]));
}

export async function startFakeOtlpCollector(): Promise<FakeOtlpCollector> {
  const spans: CollectedSpan[] = [];
  const requests: FakeOtlpCollector['requests'] = [];
  const failures: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = String(request.headers['content-type'] ?? '');
      requests.push({ path: request.url ?? '/', contentType, bytes: body.length });
      if (request.method !== 'POST' || request.url !== '/v1/traces') return void response.writeHead(404).end();
      const failure = failures.shift();
      if (failure) return void response.writeHead(failure, { 'content-type': 'application/json' }).end('{}');
      if (contentType.includes('json')) {
        try {
          const parsed = JSON.parse(body.toString('utf8')) as { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }> };
          for (const resourceSpans of parsed.resourceSpans ?? []) {
            const resource = attributesOf(resourceSpans.resource?.attributes);
            for (const scope of resourceSpans.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) {
                spans.push({
                  traceId: String(span.traceId),
                  spanId: String(span.spanId),
                  ...(span.parentSpanId ? { parentSpanId: String(span.parentSpanId) } : {}),
                  name: String(span.name),
                  attributes: attributesOf(span.attributes as KeyValue[] | undefined),
                  resource,
                  ...(span.status ? { status: span.status as CollectedSpan['status'] } : {}),
                });
              }
            }
          }
        } catch {
          return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"invalid JSON"}');
        }
      }
      response.writeHead(200, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' }).end(contentType.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
