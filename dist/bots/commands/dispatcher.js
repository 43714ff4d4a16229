import { citationOf } from "../../knowledge/answering/citations.js";
import { toPasserelleError } from "../errors.js";
import { errorReply, notice, progress } from "../reply.js";
import * as say from "../user-messages.js";
import { parseInput, prefixTable } from "./command-parser.js";
/** The last stage: runs a command or answers a question, and records what feedback will need. */
export class Dispatcher {
    catalog;
    answers;
    memory;
    state;
    store;
    logger;
    streamingIntervalMs;
    jobs;
    announcements;
    learning;
    name = 'dispatch';
    prefixes;
    constructor(catalog, answers, memory, state, store, logger, streamingIntervalMs = 1_000, jobs, announcements, learning) {
        this.catalog = catalog;
        this.answers = answers;
        this.memory = memory;
        this.state = state;
        this.store = store;
        this.logger = logger;
        this.streamingIntervalMs = streamingIntervalMs;
        this.jobs = jobs;
        this.announcements = announcements;
        this.learning = learning;
        this.prefixes = prefixTable(catalog.bases);
    }
    async handle(turn) {
        const input = parseInput(turn.message.text, this.prefixes);
        const rights = turn.rights;
        if (!rights)
            throw new Error('dispatcher reached without access control');
        switch (input.type) {
            case 'help':
                await turn.reply(notice(say.helpText(this.catalog.bases.filter((kb) => rights.allowedKbs.includes(kb.id)).map((kb) => ({ name: kb.name, ...(kb.prefixes[0] ? { prefix: kb.prefixes[0] } : {}) })))));
                return true;
            case 'unknown-command':
                await turn.reply(notice(say.SHORT_HELP, ['aide']));
                return true;
            case 'forget':
                await this.memory.forget(turn.message.conversation.key);
                await turn.reply(notice(say.CONVERSATION_FORGOTTEN));
                return true;
            case 'feedback':
                if (!input.text) {
                    await turn.reply(notice(say.FEEDBACK_EMPTY));
                    return true;
                }
                await this.state.recordFeedback({ channel: turn.message.channel, messageId: '', userHash: rights.userHash, rating: 0, comment: input.text.slice(0, 4_000), citedIds: [], at: new Date().toISOString() });
                await turn.reply(notice(say.FEEDBACK_THANKS));
                return true;
            case 'sources':
                await turn.reply(await this.lastSources(turn));
                return true;
            case 'question':
                // A message without a base prefix may be the answer to the quiz question waiting in this conversation.
                if (this.learning && !input.kb && !input.unknownPrefix && (await this.learning.answerPending(turn, input.text)))
                    return true;
                await this.answer(turn, input.text, input.kb, input.unknownPrefix);
                return true;
            case 'quiz':
                if (this.learning)
                    await this.learning.quiz(turn, input.text);
                else
                    await turn.reply(notice(say.LEARNING_DISABLED));
                return true;
            case 'training':
                if (this.learning)
                    await this.learning.trainingCommand(turn, input.text);
                else
                    await turn.reply(notice(say.LEARNING_DISABLED));
                return true;
            case 'explain':
                if (this.learning)
                    await this.learning.explain(turn, input.text);
                else
                    await turn.reply(notice(say.LEARNING_DISABLED));
                return true;
            case 'summarise':
                if (this.jobs)
                    await this.jobs.summarise(turn, input.text);
                else
                    await turn.reply(notice(say.JOBS_DISABLED));
                return true;
            case 'jobs':
                if (this.jobs)
                    await this.jobs.list(turn);
                else
                    await turn.reply(notice(say.JOBS_DISABLED));
                return true;
            case 'cancel':
                if (this.jobs)
                    await this.jobs.cancel(turn, input.id);
                else
                    await turn.reply(notice(say.JOBS_DISABLED));
                return true;
            case 'announce':
                if (this.announcements)
                    await this.announcements.handle(turn, input.text);
                else
                    await turn.reply(notice(say.ANNOUNCEMENTS_DISABLED));
                return true;
        }
    }
    async answer(turn, question, forcedKb, unknownPrefix) {
        const rights = turn.rights;
        if (rights.allowedKbs.length === 0) {
            await turn.reply(notice(say.NO_BASE_ALLOWED));
            return;
        }
        if (forcedKb && !rights.allowedKbs.includes(forcedKb)) {
            await turn.reply(notice(say.baseForbidden(this.catalog.get(forcedKb).name)));
            return;
        }
        if (!/[\p{L}\p{N}]/u.test(question)) {
            await turn.reply(notice(say.EMPTY_MESSAGE, ['aide']));
            return;
        }
        const { message } = turn;
        // Streamed where the channel can (Teams personal chats, Tchap edits), else "typing…" then one reply.
        const stream = await turn.stream(progress(say.WORKING));
        if (!stream)
            await turn.typing();
        let lastUpdate = 0;
        let pending = Promise.resolve();
        let outcome;
        try {
            outcome = await this.answers.answer({
                question,
                ...(forcedKb ? { forcedKb } : {}),
                allowedKbs: rights.allowedKbs,
                clearance: 'diffusion-restreinte',
                conversationKey: message.conversation.key,
                channel: message.channel,
                userHash: rights.userHash,
                ...(stream
                    ? {
                        onPartial: (text) => {
                            const now = Date.now();
                            if (now - lastUpdate < this.streamingIntervalMs)
                                return;
                            lastUpdate = now;
                            pending = pending.then(() => stream.update(progress(text))).catch((error) => this.logger.warn('streaming update failed', { error }));
                        },
                    }
                    : {}),
            });
        }
        catch (error) {
            if (!stream)
                throw error;
            // The streamed message must not stay "Je cherche…" (or a partial text): it becomes the error message.
            const failure = toPasserelleError(error);
            this.logger.error('answer failed', { code: failure.code, channel: message.channel, error: failure.cause ?? failure });
            await pending;
            await stream.finish(errorReply(failure.userMessage));
            return;
        }
        await pending;
        const reply = unknownPrefix ? { ...outcome.reply, text: `${say.unknownPrefix(unknownPrefix)}\n\n${outcome.reply.text}` } : outcome.reply;
        const messageId = stream ? await stream.finish(reply) : await turn.reply(reply);
        await this.state.saveAnswer({
            messageId,
            channel: message.channel,
            conversationKey: message.conversation.key,
            question,
            answer: reply.text.slice(0, 8_000),
            ...(outcome.route ? { kb: outcome.route.kb } : {}),
            citedIds: outcome.citedIds,
            at: new Date().toISOString(),
        });
    }
    async lastSources(turn) {
        const turns = await this.memory.recent(turn.message.conversation.key);
        const last = [...turns].reverse().find((entry) => entry.role === 'assistant');
        if (!last)
            return notice(say.NO_PREVIOUS_ANSWER);
        // An abstention cites nothing: never show an older answer's sources as those of the last one.
        if (!last.citedIds || last.citedIds.length === 0)
            return notice(say.NO_SOURCES_IN_LAST_ANSWER);
        const bases = last.kb ? [last.kb, ...turn.rights.allowedKbs.filter((kb) => kb !== last.kb)] : turn.rights.allowedKbs;
        const citations = [];
        for (const id of last.citedIds) {
            for (const kb of bases) {
                const [chunk] = await this.store.getChunks(kb, [id]);
                if (chunk) {
                    citations.push(citationOf(chunk, citations.length + 1));
                    break;
                }
            }
        }
        const lines = citations.map((citation) => `- [${citation.index}] ${citation.title}${citation.context ? ` (${citation.context})` : ''}${citation.url ? ` — ${citation.url}` : ''}`);
        return { kind: 'notice', text: `${say.SOURCES_HEADER}\n${lines.join('\n')}`, citations, suggestedActions: [], aiGenerated: false, feedback: false };
    }
}
