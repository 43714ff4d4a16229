/**
 * matrix-js-sdk and its Rust crypto log a lot (every request, every key operation, at debug level): their
 * messages go to the application log at debug level only, warnings and errors as such. Messages are
 * joined into one string; access tokens never appear in them (the SDK redacts them itself).
 */
export function sdkLogger(logger, namespace = 'matrix-sdk') {
    const line = (parts) => parts
        .map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part)))
        .join(' ')
        .slice(0, 2_000);
    return {
        trace: (...parts) => logger.debug(line(parts), { source: namespace }),
        debug: (...parts) => logger.debug(line(parts), { source: namespace }),
        info: (...parts) => logger.debug(line(parts), { source: namespace }),
        warn: (...parts) => logger.warn(line(parts), { source: namespace }),
        error: (...parts) => logger.error(line(parts), { source: namespace }),
        getChild: (child) => sdkLogger(logger, `${namespace}:${child}`),
    };
}
function safeJson(value) {
    try {
        return JSON.stringify(value) ?? String(value);
    }
    catch {
        return String(value);
    }
}
/**
 * Some SDK modules log through the SDK's global logger (loglevel, printing to the console) rather than the
 * client's: route it to the application log as well. Process-wide; the last adapter started wins.
 */
export function routeGlobalSdkLogger(logger, global) {
    const target = global;
    if (typeof target?.rebuild !== 'function')
        return;
    const routed = sdkLogger(logger, 'matrix-sdk:global');
    target.methodFactory = (methodName) => {
        const method = ['trace', 'debug', 'info', 'warn', 'error'].find((name) => name === methodName) ?? 'debug';
        return (...parts) => routed[method](...parts);
    };
    target.rebuild();
}
