import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { PasserelleError } from "../bots/errors.js";
import { createLogger } from "../bots/logger.js";
import { loadConfig } from "../config/load-config.js";
import { openKnowledge } from "../app/knowledge.js";
export function createCliContext(io) {
    const config = loadConfig(io.env ? { env: io.env } : {});
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    let knowledge;
    return {
        config,
        logger,
        out: io.out,
        err: io.err,
        knowledge(options = {}) {
            ensureDataDir(config.dataDir, options.create ?? false);
            knowledge ??= openKnowledge(config, (message) => logger.warn(message));
            return knowledge;
        },
        async close() {
            if (knowledge)
                await (await knowledge).close();
        },
    };
}
function ensureDataDir(dataDir, create) {
    try {
        if (!existsSync(dataDir)) {
            if (!create)
                throw new Error('missing');
            mkdirSync(dataDir, { recursive: true });
        }
        if (!statSync(dataDir).isDirectory())
            throw new Error('not a directory');
        accessSync(dataDir, constants.R_OK | constants.W_OK);
    }
    catch (error) {
        throw new PasserelleError('DATA_DIR_UNAVAILABLE', { path: dataDir }, { cause: error });
    }
}
