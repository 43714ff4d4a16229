import { classifyActivity } from "./activity-mapper.js";
export class InboundHandler {
    deps;
    sink;
    inFlight = new Set();
    constructor(deps) {
        this.deps = deps;
    }
    /** Connects the core. */
    attach(sink) {
        this.sink = sink;
    }
    get ready() {
        return this.sink !== undefined;
    }
    async handle(activity) {
        const event = classifyActivity(activity);
        const sink = this.sink;
        switch (event.kind) {
            case 'message':
                this.background('message', () => this.onMessage(event.message, event.reference));
                return { status: 200 };
            case 'install':
                this.background('install', async () => void (await sink?.receive({ kind: 'installed', conversation: event.reference, personal: event.personal, ...(event.installerId ? { installerId: event.installerId } : {}) })));
                return { status: 200 };
            case 'uninstall':
                // Removal from a team also ends its channel threads (`teams:19:…;messageid=…` keys).
                this.background('uninstall', async () => void (await sink?.receive({ kind: 'removed', channel: 'teams', key: event.key, threadKeyPrefix: `${event.key};messageid=`, reason: event.reason })));
                return { status: 200 };
            case 'feedback': {
                const { feedback } = event;
                await sink?.receive({ kind: 'rating', channel: 'teams', messageId: feedback.messageId, userId: feedback.userId, rating: feedback.rating, ...(feedback.comment ? { comment: feedback.comment } : {}) });
                return { status: 200 };
            }
            case 'unsupported-invoke':
                this.deps.logger.info('teams invoke not supported', { name: event.name });
                return { status: 501 };
            case 'ignored':
                this.deps.logger.debug('teams activity ignored', { reason: event.reason });
                return { status: 200 };
        }
    }
    /** Resolves once every background task started so far (and those they started) has finished. */
    async idle() {
        while (this.inFlight.size > 0)
            await Promise.allSettled([...this.inFlight]);
    }
    background(kind, task) {
        const run = (async () => {
            try {
                await task();
            }
            catch (error) {
                this.deps.logger.error('teams background task failed', { kind, error });
            }
        })();
        this.inFlight.add(run);
        void run.finally(() => this.inFlight.delete(run));
    }
    async onMessage(message, reference) {
        let enriched = message;
        if (this.deps.groups && message.addressedToBot) {
            try {
                enriched = { ...message, groups: await this.deps.groups.groupsOf(message.sender.id) };
            }
            catch (error) {
                this.deps.logger.warn('teams group lookup failed, access by user id only', { error });
            }
        }
        await this.sink?.receive({ kind: 'message', message: enriched, conversation: reference });
    }
}
