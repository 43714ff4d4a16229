import { toPasserelleError } from "./errors.js";
import { metrics, secondsSince } from "./metrics.js";
import { inSpan } from "./tracing.js";
import { errorReply } from "./reply.js";
export class Pipeline {
    stages;
    logger;
    constructor(stages, logger) {
        this.stages = stages;
        this.logger = logger;
    }
    get names() {
        return this.stages.map((stage) => stage.name);
    }
    async run(turn) {
        for (const stage of this.stages) {
            let proceed;
            const started = performance.now();
            try {
                proceed = await inSpan(`passerelle.stage.${stage.name}`, {}, () => stage.handle(turn));
            }
            catch (error) {
                const failure = toPasserelleError(error);
                this.logger.error('pipeline stage failed', { stage: stage.name, code: failure.code, channel: turn.message.channel, error: failure.cause ?? failure });
                if (turn.message.addressedToBot) {
                    await turn.reply(errorReply(failure.userMessage)).catch((sendError) => this.logger.error('could not report failure', { error: sendError }));
                }
                return;
            }
            finally {
                metrics.stageSeconds.observe({ stage: stage.name }, secondsSince(started));
            }
            if (!proceed)
                return;
        }
    }
}
