import { MatrixAdapter } from "./matrix-adapter.js";
export { MatrixAdapter } from "./matrix-adapter.js";
export { ConnectionLockedError } from "./process-lock.js";
/**
 * Creates the Tchap (Matrix) channel adapter. Nothing is opened until `start`: the lock file, the session
 * (login only when no session is stored), the durable crypto store and the sync loop. Exactly one process
 * may run it per data directory; workers hand their replies to that process.
 */
export async function createMatrixAdapter(context, options = {}) {
    if (!context.config.matrix.enabled)
        context.logger.warn('matrix adapter created while matrix.enabled is false');
    return new MatrixAdapter(context, options);
}
