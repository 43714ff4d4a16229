import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Structured log lines (JSON) on stderr. Causes of user-facing errors go here, never to the user.
 * A leaf module, importable from any layer.
 *
 * Every line written while a request is handled carries its context (`requestId`, and `traceId` when
 * traces are on): set once where the request enters (the bot's message handling, a job taken from a
 * queue: the id travels in the job payload), inherited by everything awaited from there.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Fields every log line of the current request carries. */
export interface LogContext {
  requestId?: string;
  traceId?: string;
}

const contexts = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `context` added to (and overriding) the current log context. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return contexts.run({ ...contexts.getStore(), ...context }, work);
}

/** The log context of the current request (empty outside one). */
export function logContext(): LogContext {
  return contexts.getStore() ?? {};
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Bounds of one log line, whatever the fields hold (values often come from requests: hostile sizes and
 * shapes must neither overflow the stack nor fill the disk). Strings are cut, deep values summarised, long
 * lists and objects shortened, cycles named; a line still too long keeps its message and says so.
 */
export const LOG_LIMITS = { stringChars: 1_000, depth: 6, entries: 50, lineBytes: 16 * 1024 } as const;

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    write(logLine(at, message, fields));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent');

/** The JSON line of one entry, within LOG_LIMITS. */
export function logLine(level: Exclude<LogLevel, 'silent'>, message: string, fields: Record<string, unknown> = {}): string {
  const head = { time: new Date().toISOString(), level, message: bounded(String(message), 1, new Set()) };
  let body: Record<string, unknown> = {};
  try {
    body = bounded(fields, 0, new Set()) as Record<string, unknown>;
  } catch (error) {
    body = { logFieldsUnavailable: error instanceof Error ? error.name : 'unknown' };
  }
  // The current request's context (requestId, traceId) on every line; the caller's fields come after.
  const line = JSON.stringify({ ...head, ...contexts.getStore(), ...body });
  if (Buffer.byteLength(line) <= LOG_LIMITS.lineBytes) return line;
  return JSON.stringify({ ...head, truncated: `fields dropped: the line would have been ${Buffer.byteLength(line)} bytes`, fields: Object.keys(body).slice(0, LOG_LIMITS.entries) });
}

/** A JSON-safe copy of `value` within LOG_LIMITS (depth counts from the fields object). */
function bounded(value: unknown, depth: number, path: Set<object>): unknown {
  if (typeof value === 'string') return value.length > LOG_LIMITS.stringChars ? `${value.slice(0, LOG_LIMITS.stringChars)}…[+${value.length - LOG_LIMITS.stringChars} chars]` : value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (value === null || typeof value !== 'object') return value;
  if (path.has(value)) return '[cycle]';
  if (depth > LOG_LIMITS.depth) return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  path.add(value);
  try {
    if (value instanceof Error) {
      const cause = value.cause instanceof Error ? value.cause.message : value.cause;
      return { name: bounded(value.name, depth + 1, path), message: bounded(value.message, depth + 1, path), ...(cause !== undefined ? { cause: bounded(cause, depth + 1, path) } : {}) };
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return bounded(toJSON.call(value), depth + 1, path);
    if (Array.isArray(value)) {
      const items = value.slice(0, LOG_LIMITS.entries).map((item) => bounded(item, depth + 1, path));
      if (value.length > LOG_LIMITS.entries) items.push(`…[+${value.length - LOG_LIMITS.entries} items]`);
      return items;
    }
    const entries = Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of entries.slice(0, LOG_LIMITS.entries)) out[bounded(key, depth + 1, path) as string] = bounded(inner, depth + 1, path);
    if (entries.length > LOG_LIMITS.entries) out['…'] = `+${entries.length - LOG_LIMITS.entries} keys`;
    return out;
  } finally {
    path.delete(value);
  }
}
