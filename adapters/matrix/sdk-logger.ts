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

interface RoutableLogger {
  methodFactory: (methodName: string, level: unknown, loggerName: unknown) => (...parts: unknown[]) => void;
  rebuild(): void;
}

/**
 * Some SDK modules log through the SDK's global logger (loglevel, printing to the console) rather than the
 * client's: route it to the application log as well. Process-wide; the last adapter started wins.
 */
export function routeGlobalSdkLogger(logger: Logger, global: unknown): void {
  const target = global as RoutableLogger;
  if (typeof target?.rebuild !== 'function') return;
  const routed = sdkLogger(logger, 'matrix-sdk:global');
  target.methodFactory = (methodName) => {
    const method = (['trace', 'debug', 'info', 'warn', 'error'] as const).find((name) => name === methodName) ?? 'debug';
    return (...parts: unknown[]) => routed[method](...parts);
  };
  target.rebuild();
}
