import type { Stage } from '../pipeline.ts';

/** Direct chats always reach the bot; in rooms and channels only messages that mention or reply to it. */
export const addressedToBot: Stage = {
  name: 'addressed',
  async handle(turn) {
    return turn.message.isDirect || turn.message.addressedToBot;
  },
};
