import { aiNoticeKey } from '../inbound-handler.ts';
import type { Stage } from '../pipeline.ts';
import type { NoticeLog } from '../../state/state-store.ts';
import * as say from '../user-messages.ts';

/**
 * EU AI Act art. 50: the first exchange with each user shows that they are talking to an AI, once. The notice
 * goes inside the first answer (not as a message of its own before it): the first thing the agent reads is the
 * answer, and it costs no extra post (Teams allows 50 a second per tenant). A room's moderators may set its own
 * text (`paramètres avis`), shown after the sentence art. 50 requires.
 */
export function aiNotice(state: NoticeLog): Stage {
  return {
    name: 'ai-notice',
    async handle(turn) {
      if (await state.markNotified(aiNoticeKey(turn.message.channel, turn.message.sender.id))) turn.carryNotice(turn.room?.aiNotice ? say.roomAiNotice(turn.room.aiNotice) : say.AI_NOTICE);
      return true;
    },
  };
}
