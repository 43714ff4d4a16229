import { notice } from "../reply.js";
import * as say from "../user-messages.js";
/** Empty, oversized or unreadable messages get a clear answer and go no further. Attachments alone pass. */
export function inputGuard(maxChars) {
    return {
        name: 'input-guard',
        async handle(turn) {
            const text = turn.message.text;
            if (text.length > maxChars) {
                await turn.reply(notice(say.messageTooLong(text.length, maxChars)));
                return false;
            }
            const readable = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/g, '');
            if (readable.length < text.length * 0.9 && text.length > 0) {
                await turn.reply(notice(say.UNREADABLE_MESSAGE));
                return false;
            }
            if (!/[\p{L}\p{N}]/u.test(readable) && turn.message.attachments.length === 0) {
                await turn.reply(notice(say.EMPTY_MESSAGE, ['aide']));
                return false;
            }
            turn.message = { ...turn.message, text: readable.trim() };
            return true;
        },
    };
}
