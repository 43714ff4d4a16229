import { aiNoticeKey } from '../inbound-handler.ts';
import { notice } from '../reply.ts';
import type { Stage } from '../pipeline.ts';
import type { NoticeLog } from '../../state/state-store.ts';
import * as say from '../user-messages.ts';

/** EU AI Act art. 50: the first exchange with each user shows that they are talking to an AI, once. */
export function aiNotice(state: NoticeLog): Stage {
  return {
    name: 'ai-notice',
    async handle(turn) {
      if (await state.markNotified(aiNoticeKey(turn.message.channel, turn.message.sender.id))) await turn.reply(notice(say.AI_NOTICE));
      return true;
    },
  };
}
