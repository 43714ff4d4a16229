import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../../bots/logger.ts';

/**
 * matrix-js-sdk and its Rust crypto log a lot (every request, every key operation, at debug level): their
 * messages go to the application log at debug level only, warnings and errors as such. Messages are
 * joined into one string; access tokens never appear in them (the SDK redacts them itself).
 */
export function sdkLogger(logger: Logger, namespace = 'matrix-sdk'): SdkLogger {
  const line = (parts: unknown[]): string =>
    parts
      .map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part)))
      .join(' ')
      .slice(0, 2_000);
  return {
    trace: (...parts: unknown[]) => logger.debug(line(parts), { source: namespace }),
    debug: (...parts: unknown[]) => logger.debug(line(parts), { source: namespace }),
    info: (...parts: unknown[]) => logger.debug(line(parts), { source: namespace }),
    warn: (...parts: unknown[]) => logger.warn(line(parts), { source: namespace }),
    error: (...parts: unknown[]) => logger.error(line(parts), { source: namespace }),
    getChild: (child: string) => sdkLogger(logger, `${namespace}:${child}`),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
