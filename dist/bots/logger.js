import { AsyncLocalStorage } from 'node:async_hooks';
const contexts = new AsyncLocalStorage();
/** Runs `work` with `context` added to (and overriding) the current log context. */
export function withLogContext(context, work) {
    return contexts.run({ ...contexts.getStore(), ...context }, work);
}
/** The log context of the current request (empty outside one). */
export function logContext() {
    return contexts.getStore() ?? {};
}
const ORDER = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
export function createLogger(level, write = (line) => process.stderr.write(`${line}\n`)) {
    const emit = (at) => (message, fields = {}) => {
        if (ORDER[at] < ORDER[level])
            return;
        write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...contexts.getStore(), ...serialiseFields(fields) }));
    };
    return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
export const silentLogger = createLogger('silent');
function serialiseFields(fields) {
    const out = {};
    for (const [key, value] of Object.entries(fields)) {
        out[key] = value instanceof Error ? { name: value.name, message: value.message, cause: value.cause instanceof Error ? value.cause.message : value.cause } : value;
    }
    return out;
}
