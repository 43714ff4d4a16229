import { aiNoticeKey } from "../inbound-handler.js";
import { notice } from "../reply.js";
import * as say from "../user-messages.js";
/** EU AI Act art. 50: the first exchange with each user shows that they are talking to an AI, once. */
export function aiNotice(state) {
    return {
        name: 'ai-notice',
        async handle(turn) {
            if (await state.markNotified(aiNoticeKey(turn.message.channel, turn.message.sender.id)))
                await turn.reply(notice(say.AI_NOTICE));
            return true;
        },
    };
}
