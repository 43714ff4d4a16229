import { notice } from "../reply.js";
import { pseudonymise } from "../pseudonym.js";
import * as say from "../user-messages.js";
/** Refuses senders the configuration does not allow (answering only when they addressed the bot). */
export function accessControl(policy, pseudonymSecret) {
    return {
        name: 'access',
        async handle(turn) {
            const { sender, groups } = turn.message;
            if (!policy.mayUse(sender, groups ?? [])) {
                if (turn.message.addressedToBot)
                    await turn.reply(notice(say.ACCESS_DENIED));
                return false;
            }
            turn.rights = {
                allowedKbs: policy.allowedBases(sender),
                isAdmin: policy.isAdmin(sender, groups ?? []),
                userHash: pseudonymise(`${turn.message.channel}:${sender.id}`, pseudonymSecret),
            };
            return true;
        },
    };
}
