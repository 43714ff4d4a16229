/**
 * Records every HTTP request this process starts through fetch (Node's undici), redirect hops included, from
 * undici's diagnostics channel: what left for where, whatever the client code believes it sent. Used to prove
 * that nothing reached a host a redirect pointed to.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface OutboundRequest {
  /** e.g. http://10.0.0.1 */
  origin: string;
  method: string;
  path: string;
}

export interface OutboundRecorder {
  readonly requests: OutboundRequest[];
  /** Requests to this origin (scheme://host[:port]). */
  to(origin: string): OutboundRequest[];
  stop(): void;
}

export function recordOutboundRequests(): OutboundRecorder {
  const requests: OutboundRequest[] = [];
  const listener = (message: unknown) => {
    const request = (message as { request?: { origin?: unknown; method?: unknown; path?: unknown } }).request;
    if (request) requests.push({ origin: String(request.origin), method: String(request.method), path: String(request.path) });
  };
  subscribe('undici:request:create', listener);
  return {
    requests,
    to: (origin) => requests.filter((request) => request.origin === new URL(origin).origin),
    stop: () => void unsubscribe('undici:request:create', listener),
  };
}
